/**
 * The locale test: every shipped locale has every key (with the plural forms its language needs and the same
 * placeholders), the manifest declares exactly the shipped resources, and every text a user reads in the rendered
 * panel and admin page comes from the resources. The last is driven by the trees themselves: the test bridge wraps
 * every translated value in ⟦ ⟧, and whatever text is left unwrapped must be data the resolvers sent (ids, keys,
 * names, statuses, counts, their times as Intl writes them), never words of the app's own.
 */
jest.mock('@forge/bridge', () => require('../frontend/forge-bridge').forgeBridgeMock());

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isValidElement, type ReactElement } from 'react';
import { act, type ReactTestInstance, type ReactTestRenderer } from 'react-test-renderer';
import { Code, CodeBlock, Tabs } from '@forge/react';
import { DEFAULT_DEFECT_TYPE, DEFAULT_TEST_EXECUTION_TYPE } from '../../src/frontend/admin/mappingModel';
import { AdminApp } from '../../src/frontend/admin/AdminApp';
import { makeTranslator } from '../../src/frontend/common/translator';
import type { AdminCaller, PanelCaller } from '../../src/frontend/invoke';
import { PanelApp } from '../../src/frontend/panel/PanelApp';
import { SummaryApp } from '../../src/frontend/summary/SummaryApp';
import { isPlural, leafKeys, lookup, type TranslationResource } from '../../src/shared/i18n-format';
import { translate, translateMessage } from '../../src/i18n/translate';
import { msg, type BackendSection } from '../../src/shared/message';
import { askedKeys, manifestTranslations, markTranslations, resource } from '../frontend/forge-bridge';
import { allOf, button, buttons, click, fail, fakeCaller, flush, job, link, ok, panelView, render, settingsView, type } from '../frontend/helpers';

const root = path.resolve(__dirname, '../..');
const { locales, defaultLocale } = manifestTranslations();
const resources = Object.fromEntries(locales.map((l) => [l, resource(l)]));
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Every plural object of a resource, by its key. */
function pluralObjects(node: TranslationResource, prefix = ''): Array<[string, TranslationResource]> {
  return Object.entries(node).flatMap(([name, value]) => {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'string') return [];
    return isPlural(value) ? [[key, value] as [string, TranslationResource]] : pluralObjects(value, key);
  });
}

describe('translation resources', () => {
  it('the manifest declares every locales/*.json file, English first as the default', () => {
    const files = readdirSync(path.join(root, 'locales')).filter((f) => f.endsWith('.json')).sort();
    expect(Object.values(manifestTranslations().paths).map((p) => path.basename(p)).sort()).toEqual(files);
    expect(defaultLocale).toBe('en-US');
    expect(locales[0]).toBe('en-US');
    expect(locales.length).toBeGreaterThanOrEqual(2);
  });

  it.each(locales)('%s has every key of every other locale, with the same placeholders', (locale) => {
    const own = resources[locale]!;
    for (const other of locales) {
      for (const key of leafKeys(resources[other]!)) {
        // Plural forms differ by language: a plural object needs the forms of its own language (checked below).
        const parent = key.slice(0, key.lastIndexOf('.'));
        if (isPlural(lookup(resources[other], parent))) {
          expect({ key: parent, plural: isPlural(lookup(own, parent)) }).toEqual({ key: parent, plural: true });
          continue;
        }
        const value = lookup(own, key);
        expect({ key, type: typeof value }).toEqual({ key, type: 'string' });
        expect({ key, placeholders: placeholders(value as string) }).toEqual({ key, placeholders: placeholders(lookup(resources[other], key) as string) });
      }
    }
  });

  it.each(locales)('%s has the plural forms its language needs', (locale) => {
    const needed = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
    for (const [key, forms] of pluralObjects(resources[locale]!)) {
      for (const category of needed) expect({ key, category, present: typeof forms[category] === 'string' }).toEqual({ key, category, present: true });
    }
  });

  it('names the module titles by keys every locale has', () => {
    const manifest = readFileSync(path.join(root, 'manifest.yml'), 'utf8');
    const titles = [...manifest.matchAll(/(?:title|label):\n\s+i18n: (\S+)/g)].map((m) => m[1]!);
    expect(titles).toEqual(['app.panelTitle', 'app.summaryTitle', 'app.summaryLabel', 'app.adminTitle']);
    for (const locale of locales) for (const key of titles) expect(typeof lookup(resources[locale], key)).toBe('string');
  });

  it('the backend translator reads the same resources, in the caller\'s language, English where one lacks a sentence', () => {
    expect(translate('de-DE', 'notices.xray_not_configured')).toBe(lookup(resources['de-DE'], 'notices.xray_not_configured'));
    expect(translate('de_DE', 'panel.coverage.sentence', { count: 1250, linked: 1000 })).toBe('1.000 von 1.250 Tests verknüpft');
    expect(translate('de-AT', 'admin.save')).toBe('Speichern');
    expect(translate('fr-FR', 'panel.coverage.sentence', { count: 1, linked: 0 })).toBe('0 of 1 Test linked');
    expect(translate(undefined, 'admin.job.title', { runId: '337' })).toBe('Run 337');
    expect(translate('de-DE', 'no.such.key')).toBe('no.such.key');
  });
});

// ------------------------------------------------------------------------------------------- rendered trees

/** Props whose text a user reads (sentences and labels); values typed by the user, code and URLs are not. */
const TEXT_PROPS = ['title', 'label', 'placeholder', 'caption', 'content', 'ariaLabel', 'actions', 'emptyView'];

/** Every text a user reads in a rendered tree: text nodes, text props, option labels, elements held in props. */
function readableTexts(renderer: ReactTestRenderer): string[] {
  const out: string[] = [];
  const fromValue = (value: unknown): void => {
    if (value === null || value === undefined || typeof value === 'boolean') return;
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'number') out.push(String(value));
    else if (Array.isArray(value)) value.forEach(fromValue);
    else if (isValidElement(value)) fromProps((value as ReactElement<Record<string, unknown>>).props, true);
  };
  const fromProps = (props: Record<string, unknown>, withChildren: boolean): void => {
    for (const name of TEXT_PROPS) fromValue(props[name]);
    if (Array.isArray(props.options)) for (const o of props.options as Array<{ label?: unknown }>) fromValue(o.label);
    const value = props.value as { label?: unknown } | Array<{ label?: unknown }> | undefined;
    if (Array.isArray(value)) value.forEach((v) => fromValue(v?.label));
    else if (value && typeof value === 'object') fromValue(value.label);
    if (withChildren) fromValue(props.children);
  };
  const walk = (node: ReactTestInstance | string): void => {
    if (typeof node === 'string') {
      out.push(node);
      return;
    }
    // Code is what a user copies and runs, never a sentence: the sentences around it are in Text.
    if (node.type === Code || node.type === CodeBlock) return;
    if (typeof node.type === 'string') fromProps(node.props as Record<string, unknown>, false);
    node.children.forEach(walk);
  };
  walk(renderer.root);
  return out.filter((s) => s.trim() !== '');
}

/** The strings of resolver answers: what a tree may show without translating it. */
function dataOf(answers: unknown[]): string[] {
  const out = new Set<string>();
  const t = makeTranslator((k) => k, 'en-US');
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      out.add(v);
      if (/^\d+$/.test(v)) out.add(`#${v}`);
      if (/^\d{4}-\d\d-\d\dT/.test(v)) {
        out.add(t.relative(v));
        out.add(t.relative(v, 'short'));
        out.add(t.exact(v));
      }
    } else if (typeof v === 'number') out.add(t.number(v));
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      // Keys are data too: the status map's incoming words are its keys.
      Object.keys(v).forEach(visit);
      Object.values(v).forEach(visit);
    }
  };
  // Jira's and Xray's names of issue types, which the page shows where nothing else is saved.
  [...answers, DEFAULT_TEST_EXECUTION_TYPE, DEFAULT_DEFECT_TYPE].forEach(visit);
  return [...out].filter((s) => s !== '').sort((a, b) => b.length - a.length);
}

/** What of a text is left once translated parts and data are taken out; punctuation and spaces do not count. */
function unexplained(text: string, data: string[]): string {
  // Innermost first: a translated sentence may hold a translated part ("⟦⟦Client id⟧ (required)⟧").
  let rest = text;
  while (/⟦[^⟦⟧]*⟧/.test(rest)) rest = rest.replace(/⟦[^⟦⟧]*⟧/g, ' ');
  for (const d of data) rest = rest.split(d).join(' ');
  // Numbers the page computes from data (a run's summed counts) are data; punctuation and spaces are no words.
  return rest.replace(/[\s\p{P}\p{S}\p{N}]/gu, '');
}

function expectAllTranslated(renderer: ReactTestRenderer, answers: unknown[]) {
  const data = dataOf(answers);
  // A resolver's sentence whose issue keys became links reads as pieces: each piece is part of what was sent.
  const pieceOfData = (text: string) => text.trim().length > 0 && data.some((d) => d.length > text.trim().length && d.includes(text.trim()));
  const leaks = readableTexts(renderer).filter((text) => unexplained(text, data) !== '' && !pieceOfData(text));
  expect(leaks).toEqual([]);
}

beforeAll(() => markTranslations(true));
afterAll(() => markTranslations(false));

const recent = new Date(Date.now() - 3 * 3600_000).toISOString();

describe('every text a user reads comes from the resources', () => {
  async function panelStates(answers: Parameters<typeof fakeCaller>[0], drive?: (r: ReactTestRenderer) => Promise<void>) {
    const fake = fakeCaller(answers);
    const renderer = await render(<PanelApp call={fake.call as unknown as PanelCaller} notify={() => undefined} />);
    await flush();
    if (drive) await drive(renderer);
    expectAllTranslated(renderer, Object.values(answers).flat());
  }

  it('panel of a Test: links, results, notices, several ids with one failing, the unlink Modal', async () => {
    const view = panelView({
      links: [
        link({ testsigmaId: '609', name: 'Login works', url: 'https://app.testsigma.com/ui/td/cases/609/steps', lastResult: { status: 'FAILED', runId: '337', testExecutionKey: 'PROJ-99', at: recent } }),
        link({ testsigmaId: '610' }),
      ],
      notices: [{ code: 'testsigma_not_configured', message: 'backend words' }],
    });
    await panelStates({ getPanel: [ok(view)], link: [ok(view), fail('invalid_id', 'That is not a Testsigma id.')] }, async (r) => {
      await click(button(r, '⟦+ Link test case⟧'));
      await type(allOf(r, 'TextArea')[0]!, '611 abc');
      await click(button(r, '⟦Link all 2⟧'));
      await click(buttons(r, '⟦Unlink⟧')[0]!);
    });
  });

  it('panel of a Test Set: coverage with show all, Xray notice; an empty Test Set', async () => {
    const unlinked = Array.from({ length: 7 }, (_, i) => ({ id: String(i), key: `PROJ-${i + 20}` }));
    await panelStates({
      getPanel: [ok(panelView({ issue: { id: '2', key: 'PROJ-2', kind: 'testSet' }, links: [link({ testsigmaKind: 'testSuite', testsigmaId: '55' })], coverage: { total: 250, linked: 3, unlinked } }))],
    });
    await panelStates({
      getPanel: [ok(panelView({ issue: { id: '2', key: 'PROJ-2', kind: 'testSet' }, coverage: { total: 0, linked: 0, unlinked: [] } }))],
    });
    await panelStates({
      getPanel: [ok(panelView({ issue: { id: '2', key: 'PROJ-2', kind: 'testSet' }, canEdit: false, notices: [{ code: 'xray_unavailable', message: 'x' }] }))],
    });
  });

  it('panel of a Test Plan: grouped runs; errors with and without retry', async () => {
    await panelStates({
      getPanel: [ok(panelView({
        issue: { id: '3', key: 'PROJ-3', kind: 'testPlan' },
        links: [link({ testsigmaKind: 'testPlan', testsigmaId: '274' })],
        recentRuns: [
          { runId: '337', state: 'partial', at: recent, counts: { received: 3, synced: 2, unmapped: 1, failed: 0 }, testExecutionKey: 'PROJ-50', statuses: { PASSED: 1, FAILED: 1 } },
          { runId: '337', state: 'succeeded', at: recent, counts: { received: 1, synced: 1, unmapped: 0, failed: 0 } },
          { runId: '336', state: 'running', at: recent, counts: { received: 1, synced: 0, unmapped: 0, failed: 0 } },
        ],
      }))],
    });
    await panelStates({ getPanel: [fail('rate_limited', 'busy')] });
    await panelStates({ getPanel: [fail('not_xray_issue', 'PROJ-1 is a Task, not an Xray Test.')] });
  });

  async function summaryStates(answers: Parameters<typeof fakeCaller>[0]) {
    const fake = fakeCaller(answers);
    const renderer = await render(<SummaryApp call={fake.call as unknown as PanelCaller} />);
    await flush();
    expectAllTranslated(renderer, Object.values(answers).flat());
  }

  it('summary: a Test with results and a flaky case, an empty Test, a Test Plan with its newest run', async () => {
    const links = [
      link({ testsigmaId: '609', lastResult: { status: 'FAILED', runId: '337', testExecutionKey: 'PROJ-99', at: recent }, flaky: true }),
      link({ testsigmaId: '610' }),
    ];
    await summaryStates({ getPanel: [ok(panelView({ links }))] });
    await summaryStates({ getPanel: [ok(panelView())] });
    await summaryStates({
      getPanel: [ok(panelView({
        issue: { id: '3', key: 'PROJ-3', kind: 'testPlan' },
        links: [link({ testsigmaKind: 'testPlan', testsigmaId: '274', name: 'Nightly' })],
        recentRuns: [{ runId: '337', state: 'succeeded', at: recent, counts: { received: 3, synced: 3, unmapped: 0, failed: 0 }, statuses: { PASSED: 3 } }],
      }))],
    });
    await summaryStates({ getPanel: [fail('rate_limited', 'busy')] });
  });

  async function adminStates(answers: Parameters<typeof fakeCaller>[0], drive?: (r: ReactTestRenderer) => Promise<void>) {
    const all = { listProjects: [ok({ projects: [{ id: '1', key: 'PROJ', name: 'Project' }] })], listIssueTypes: [ok({ issueTypes: [{ id: '1', name: 'Bug' }] })], ...answers };
    const fake = fakeCaller(all);
    const renderer = await render(<AdminApp call={fake.call as unknown as AdminCaller} notify={() => undefined} />);
    await flush();
    if (drive) await drive(renderer);
    expectAllTranslated(renderer, Object.values(all).flat());
  }
  const tab = async (r: ReactTestRenderer, index: number) => {
    await act(async () => allOf(r, Tabs)[0]!.props.onChange(index));
    await flush();
  };

  it('admin page: checklist and every tab, a connection report, a fresh secret, a job in its Modal', async () => {
    const failed = job({ jobId: 'j2', state: 'failed', unmapped: ['700'], counts: { received: 1, synced: 0, unmapped: 1, failed: 0 }, errors: ['No result maps to a linked Xray Test.'], attempts: 2 });
    await adminStates(
      {
        getSettings: [ok(settingsView({ setup: { xray: 'failed', testsigma: 'unknown', secretCreated: false, xrayStatuses: ['PASSED', 'FAILED'] }, statusMap: { ...settingsView().statusMap, BLOCKED: 'SKIPPED' } }))],
        testConnection: [ok({ xray: { ok: true, message: 'Connected.', statuses: ['PASSED'] }, testsigma: { ok: false, message: 'Refused.' } })],
        rotateWebtriggerSecret: [ok({ secret: 'abc123', url: 'https://x.example/wt' })],
        listJobs: [ok({ jobs: [failed, job()], nextCursor: 'c' })],
      },
      async (r) => {
        await click(button(r, '⟦Test connection⟧'));
        await click(button(r, '⟦Rotate secret⟧'));
        await click(button(r, '⟦Rotate now⟧'));
        await tab(r, 3);
        await click(buttons(r, '⟦Details⟧')[0]!);
      },
    );
  });

  it('admin page: forbidden, a failed load, an empty sync log', async () => {
    await adminStates({ getSettings: [fail('forbidden', 'backend words')] });
    await adminStates({ getSettings: [fail('internal', 'Storage is busy.')] });
    await adminStates({ getSettings: [ok(settingsView({ webtrigger: { url: '', hasWebtriggerSecret: false } }))], listJobs: [ok({ jobs: [] })] }, (r) => tab(r, 3));
  });

  it('asked only for keys every locale has', () => {
    expect(askedKeys.size).toBeGreaterThan(100);
    for (const locale of locales) {
      const missing = [...askedKeys].filter((key) => typeof lookup(resources[locale], key) !== 'string');
      expect({ locale, missing }).toEqual({ locale, missing: [] });
    }
  });
});

/**
 * The backend's sentences (resolver messages, settings problems, the connection test, job problems): every key the
 * backend's code names exists in every locale, every backend key is named by the code (no sentence left behind),
 * and each has a real translation. The key type (`MessageKey`, read from en-US.json) already makes a key English
 * lacks a type error; this covers the other locales and the code's dynamic keys (`apiErrors.entity.${kind}`).
 */
describe('backend sentences', () => {
  const SECTIONS: readonly BackendSection[] = ['apiErrors', 'connection', 'settingsErrors', 'jobErrors', 'notices'];
  const backendFiles = (readdirSync(path.join(root, 'src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.startsWith(`frontend${path.sep}`))
    .map((f) => readFileSync(path.join(root, 'src', f), 'utf8'));
  const code = backendFiles.join('\n');
  const sectionAlt = SECTIONS.join('|');
  /** Keys the code writes out, a template's `${...}` standing for one key segment or part of one. */
  const named = [...code.matchAll(new RegExp(`['\`]((?:${sectionAlt})\\.[\\w.\${}]+)['\`]`, 'g'))].map((m) => m[1]!);
  const patterns = named.map((k) => new RegExp(`^${k.replace(/\./g, '\\.').replace(/\$\{[^}]+\}/g, '\\w+')}$`));
  /** `jobMsg('code')` and the job codes a ternary picks (`? 'importRefusedStatus' : 'importRefused'`). */
  const literals = new Set([...code.matchAll(/'(\w+)'/g)].map((m) => m[1]!));
  const sentenceKeys = (locale: string) =>
    SECTIONS.flatMap((section) => leafKeys(resources[locale]![section] as TranslationResource, section)).map((key) => {
      const parent = key.slice(0, key.lastIndexOf('.'));
      return isPlural(lookup(resources[locale], parent)) ? parent : key;
    });
  const english = [...new Set(sentenceKeys('en-US'))];

  it('finds the backend naming its sentences', () => {
    expect(named.length).toBeGreaterThan(80);
    expect(english.length).toBeGreaterThan(100);
  });

  it.each(locales)('%s has every key the backend names', (locale) => {
    const theirs = new Set(sentenceKeys(locale));
    const literalKeys = named.filter((k) => !k.includes('${'));
    expect(literalKeys.filter((k) => !theirs.has(k))).toEqual([]);
    for (const p of patterns) expect({ pattern: String(p), found: [...theirs].some((k) => p.test(k)) }).toEqual({ pattern: String(p), found: true });
  });

  it('every backend sentence is used by the code', () => {
    const unused = english.filter((key) => {
      if (patterns.some((p) => p.test(key))) return false;
      const [section, ...rest] = key.split('.');
      // Job problems are named by their code alone: jobMsg('noneLinked').
      return !(section === 'jobErrors' && literals.has(rest.join('.')));
    });
    expect(unused).toEqual([]);
  });

  it.each(locales.filter((l) => l !== 'en-US'))('%s translates every backend sentence (only a sentence of placeholders alone may read alike)', (locale) => {
    const same = leafKeys(resources['en-US']!, '')
      .filter((key) => SECTIONS.some((s) => key.startsWith(`${s}.`)))
      .filter((key) => lookup(resources[locale], key) === lookup(resources['en-US'], key))
      .filter((key) => (lookup(resources['en-US'], key) as string).replace(/\{\w+\}/g, '').replace(/[\s:]/g, '') !== '');
    expect(same).toEqual([]);
  });

  it('a message with a message inside reads in one language, numbers and plurals by its rules', () => {
    const m = msg('jobErrors.noneLinked', { count: 1200, ids: msg('jobErrors.idsAndMore', { ids: '1, 2', count: 1198 }) });
    expect(translateMessage('en-US', m)).toBe(
      "None of the 1,200 test cases in this delivery are linked to an Xray Test (Testsigma test cases 1, 2 and 1,198 more). Link them on their Xray Tests' Testsigma panel, then retry this job.",
    );
    expect(translateMessage('de-DE', m)).toBe(
      'Keiner der 1.200 Testfälle dieser Übermittlung ist mit einem Xray-Test verknüpft (Testsigma-Testfälle 1, 2 und 1.198 weitere). Verknüpfen Sie sie im Testsigma-Panel ihrer Xray-Tests und wiederholen Sie dann diesen Job.',
    );
    // A job stored before messages were keys holds its English sentence: it reads as it is.
    expect(translateMessage('de-DE', 'Xray refused the import.')).toBe('Xray refused the import.');
  });
});
