/**
 * The preview: a page that looks like a Jira issue view with the app's real panel beside it, and the real admin page,
 * for each demo issue, viewer and site state. The app runs in a frame, as in Jira; its `invoke` calls come here and go
 * on over HTTP to the sandbox host's resolvers (`sandbox/host.ts`), with the chosen viewer's account and issue.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { invokeResolver } from '../host';
import { buildEntry, type Bundle, type EntryName } from './build';
import { DEMO_ISSUES, SITE_STATES, SITE_STATE_LABELS, VIEWERS, startPreviewSite, type DemoIssueName, type PreviewSite, type SiteState, type ViewerRole } from './sites';

const ROOT = path.resolve(__dirname, '..', '..');

/** What one preview URL shows. */
export interface PreviewState {
  site: SiteState;
  as: ViewerRole;
  /** A demo issue's panel, or the admin page. */
  page: DemoIssueName | 'admin';
  /** The viewer's Jira language; the viewer's own (en-US) when left out. */
  locale?: string;
  /** On an issue: the issue panel (the default) or the summary on the issue's right side (`jira:issueContext`). */
  module?: 'panel' | 'summary';
}

/** A running preview. */
export interface Preview {
  url: string;
  /** The URL of one state. */
  urlOf(state: PreviewState): string;
  /** A site, started and seeded on first use. */
  site(state: SiteState): Promise<PreviewSite>;
  close(): Promise<void>;
}

/**
 * Every state the preview can show, for the screenshots: each site in English, and the set-up site in German too;
 * the issue summary as a viewer (a tester) sees it, on each site and in German on the set-up site; the fresh site's
 * admin page in German.
 */
export function allStates(): PreviewState[] {
  const out: PreviewState[] = [];
  for (const site of SITE_STATES) {
    for (const as of Object.keys(VIEWERS) as ViewerRole[]) {
      for (const page of [...DEMO_ISSUES, 'admin'] as const) out.push({ site, as, page });
    }
    for (const page of DEMO_ISSUES) out.push({ site, as: 'viewer', page, module: 'summary' });
  }
  for (const as of Object.keys(VIEWERS) as ViewerRole[]) {
    for (const page of [...DEMO_ISSUES, 'admin'] as const) out.push({ site: 'ready', as, page, locale: 'de-DE' });
  }
  for (const page of DEMO_ISSUES) out.push({ site: 'ready', as: 'viewer', page, module: 'summary', locale: 'de-DE' });
  // A first setup in German too: the required fields, the statuses and the messages under the fields.
  out.push({ site: 'fresh', as: 'admin', page: 'admin', locale: 'de-DE' });
  return out;
}

/** Which UI Kit entry a state draws. */
function entryOf(s: PreviewState): EntryName {
  return s.page === 'admin' ? 'admin' : s.module === 'summary' ? 'summary' : 'panel';
}

/** The file name a state's screenshot gets (`--de-DE` at the end for a locale other than the viewer's own). */
export function stateName(s: PreviewState): string {
  return `${s.site}--${s.as}--${s.page}${entryOf(s) === 'summary' ? '--summary' : ''}${s.locale && s.locale !== VIEWERS[s.as].locale ? `--${s.locale}` : ''}`;
}

function query(s: PreviewState): string {
  return new URLSearchParams({ site: s.site, as: s.as, page: s.page, ...(s.locale ? { locale: s.locale } : {}), ...(entryOf(s) === 'summary' ? { module: 'summary' } : {}) }).toString();
}

function readState(url: URL): PreviewState {
  const site = url.searchParams.get('site') as SiteState;
  const as = url.searchParams.get('as') as ViewerRole;
  const page = url.searchParams.get('page') as PreviewState['page'];
  const locale = url.searchParams.get('locale');
  return {
    ...(locale && /^[a-z]{2}-[A-Z]{2}$/.test(locale) ? { locale } : {}),
    ...(url.searchParams.get('module') === 'summary' ? { module: 'summary' as const } : {}),
    site: SITE_STATES.includes(site) ? site : 'ready',
    as: as in VIEWERS ? as : 'editor',
    page: page === 'admin' || DEMO_ISSUES.includes(page as DemoIssueName) ? page : 'test-named',
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The translations the manifest declares (`translations.resources`), or the files in locales/ when it declares none. */
export function translations(root = ROOT): { config: { locales: string[]; fallback: Record<string, unknown> }; files: Record<string, string> } | undefined {
  const manifest = parseYaml(fs.readFileSync(path.join(root, 'manifest.yml'), 'utf8')) as {
    translations?: { resources?: Array<{ key: string; path: string }>; fallback?: Record<string, unknown> };
  };
  const declared = manifest.translations?.resources;
  if (declared && declared.length > 0) {
    return {
      config: { locales: declared.map((r) => r.key), fallback: manifest.translations?.fallback ?? { default: declared[0]!.key } },
      files: Object.fromEntries(declared.map((r) => [r.key, path.join(root, r.path)])),
    };
  }
  const dir = path.join(root, 'locales');
  if (!fs.existsSync(dir)) return undefined;
  const found = fs.readdirSync(dir).filter((f) => /^[a-z]{2}-[A-Z]{2}\.json$/.test(f));
  if (found.length === 0) return undefined;
  const locales = found.map((f) => f.replace(/\.json$/, ''));
  return {
    config: { locales, fallback: { default: locales.includes('en-US') ? 'en-US' : locales[0]! } },
    files: Object.fromEntries(locales.map((l) => [l, path.join(dir, `${l}.json`)])),
  };
}

/**
 * What Forge serves a UI Kit frame under `./__LOCALES__/` (where `@forge/bridge`'s i18n fetches): `i18n-info.json`
 * with the locales and fallbacks, and `<locale>.json` with that locale's resource. 404 when the app has none, as
 * Forge does; `@forge/react`'s `useTranslation` then answers each key's default.
 */
export function localeAnswer(name: string, root = ROOT): { status: number; body: string } {
  const t = translations(root);
  if (!t) return { status: 404, body: JSON.stringify({ error: 'The app declares no translations.' }) };
  if (name === 'i18n-info') return { status: 200, body: JSON.stringify({ translations: {}, config: t.config }) };
  const file = t.files[name];
  if (!file || !fs.existsSync(file)) return { status: 404, body: JSON.stringify({ error: `No translations for ${name}.` }) };
  return { status: 200, body: fs.readFileSync(file, 'utf8') };
}

const STYLE = `
  body { margin: 0; font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, sans-serif; color: #172b4d; background: #fff; }
  header { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #f7f8f9; border-bottom: 1px solid #dcdfe4; flex-wrap: wrap; }
  header strong { color: #0c66e4; }
  header label { font-size: 12px; color: #44546f; display: flex; flex-direction: column; gap: 2px; }
  main { display: flex; gap: 24px; padding: 16px 24px; align-items: flex-start; }
  .issue { flex: 1 1 50%; min-width: 280px; }
  .issue .crumbs { color: #44546f; font-size: 14px; }
  .issue h1 { font-size: 24px; font-weight: 500; margin: 8px 0 16px; }
  .type { display: inline-block; background: #e9f2ff; color: #0055cc; border-radius: 3px; padding: 0 4px; font-size: 11px; font-weight: 700; text-transform: uppercase; }
  .desc { color: #626f86; font-size: 14px; margin-top: 16px; }
  .glance { flex: 1 1 50%; min-width: 420px; border: 1px solid #dcdfe4; border-radius: 3px; }
  .glance h2 { font-size: 14px; margin: 0; padding: 8px 12px; border-bottom: 1px solid #dcdfe4; }
  .admin { flex: 1; }
  .admin h1 { font-size: 24px; font-weight: 500; margin: 8px 0 16px; }
  iframe { border: 0; width: 100%; height: 200px; display: block; }
`;

function shellPage(s: PreviewState, site: PreviewSite): string {
  const select = (name: string, label: string, options: Array<[string, string]>, value: string) =>
    `<label>${esc(label)}<select name="${name}" onchange="this.form.submit()">${options
      .map(([v, l]) => `<option value="${esc(v)}"${v === value ? ' selected' : ''}>${esc(l)}</option>`)
      .join('')}</select></label>`;
  const pages: Array<[string, string]> = [...DEMO_ISSUES.map((n): [string, string] => [n, `${site.issues[n].key}: ${site.issues[n].label}`]), ['admin', 'Admin page (Apps > Testsigma links for Xray)']];
  const frame = `<iframe title="Testsigma links for Xray" src="/preview/frame?${query(s)}"></iframe>`;
  const body =
    s.page === 'admin'
      ? `<section class="admin"><div class="crumbs">Jira settings / Apps</div><h1>Testsigma links for Xray</h1>${frame}</section>`
      : (() => {
          const issue = site.issues[s.page];
          return `<section class="issue" aria-label="Issue"><div class="crumbs">Projects / Web shop / <span>${esc(issue.key)}</span></div>
            <h1>${esc(issue.summary)}</h1><span class="type">${esc(issue.type)}</span>
            <p class="desc">Description, comments and the rest of the issue view are Jira's: the preview shows the app's panel only.</p></section>
            <section class="glance" aria-label="${entryOf(s) === 'summary' ? 'Testsigma summary (the issue\'s right side)' : 'Testsigma panel'}"><h2>Testsigma</h2>${frame}</section>`;
        })();
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(s.page === 'admin' ? 'Admin page' : site.issues[s.page].key)} - Testsigma links for Xray preview</title><style>${STYLE}</style></head>
  <body><header><strong>Jira (preview)</strong><form method="get" action="/" style="display:flex;gap:16px;flex-wrap:wrap">
  ${select('as', 'Who is looking', (Object.keys(VIEWERS) as ViewerRole[]).map((r) => [r, VIEWERS[r].label]), s.as)}
  ${select('site', 'Site', SITE_STATES.map((v) => [v, SITE_STATE_LABELS[v]]), s.site)}
  ${select('page', 'Page', pages, s.page)}
  ${select('module', 'Module', [['panel', 'Issue panel'], ['summary', "Summary (the issue's right side)"]], entryOf(s) === 'summary' ? 'summary' : 'panel')}
  ${select('locale', 'Language', [...new Set(['en-US', 'de-DE', ...(translations()?.config.locales ?? [])])].map((l) => [l, l]), s.locale ?? VIEWERS[s.as].locale)}
  <noscript><button>Show</button></noscript></form></header><main>${body}</main>
  <script>
    addEventListener('message', (e) => { if (e.data && e.data.preview === 'height') document.querySelector('iframe').style.height = e.data.height + 'px'; });
  </script></body></html>`;
}

function framePage(s: PreviewState, site: PreviewSite): string {
  const viewer = VIEWERS[s.as];
  const entry = entryOf(s);
  const issue = s.page === 'admin' ? undefined : site.issues[s.page];
  const context = {
    accountId: viewer.accountId,
    cloudId: 'preview-cloud',
    localId: `preview-${entry}`,
    locale: s.locale ?? viewer.locale,
    timezone: 'UTC',
    siteUrl: 'http://127.0.0.1',
    moduleKey: entry === 'admin' ? 'testsigma-settings' : entry === 'summary' ? 'testsigma-summary' : 'testsigma-links',
    extension:
      entry === 'admin'
        ? { type: 'jira:adminPage' }
        : { type: entry === 'summary' ? 'jira:issueContext' : 'jira:issuePanel', issue: { id: issue!.id, key: issue!.key, type: issue!.type }, project: { key: site.projectKey, type: 'software' } },
  };
  // The summary calls the panel's resolver, as the manifest wires it.
  const config = { resolver: entry === 'admin' ? 'admin' : 'panel', query: query(s), context };
  // UI Kit draws the app inside Jira's own page, so its links move the whole page: target _top does the same here.
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><base target="_top"><link rel="stylesheet" href="/preview/assets/${entry}.css">
  <style>body { margin: 0; padding: 8px 12px; font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, sans-serif; color: #172b4d; }</style></head>
  <body><div id="app"></div><script>window.__PREVIEW__ = ${JSON.stringify(config).replace(/</g, '\\u003c')};</script>
  <script src="/preview/assets/${entry}.js"></script></body></html>`;
}

/** Starts the preview server on 127.0.0.1 (a random port unless given). Sites start when first shown. */
export async function startPreview(options: { port?: number; sites?: Partial<Record<SiteState, PreviewSite>> } = {}): Promise<Preview> {
  const sites = new Map<SiteState, Promise<PreviewSite>>();
  for (const [state, site] of Object.entries(options.sites ?? {})) sites.set(state as SiteState, Promise.resolve(site!));
  const site = (state: SiteState): Promise<PreviewSite> => {
    let started = sites.get(state);
    if (!started) {
      started = startPreviewSite(state);
      sites.set(state, started);
    }
    return started;
  };
  const bundles = new Map<EntryName, Promise<Bundle>>();
  const bundle = (entry: EntryName): Promise<Bundle> => {
    let built = bundles.get(entry);
    if (!built) {
      built = buildEntry(entry);
      bundles.set(entry, built);
    }
    return built;
  };

  // Build the panel and admin entries now, so the first page does not wait for esbuild (the summary when first asked).
  void bundle('panel').catch(() => undefined);
  void bundle('admin').catch(() => undefined);

  const send = (res: http.ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, value: unknown) => send(res, status, 'application/json', JSON.stringify(value));

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // An app link (/browse/KEY) carries no state: it comes from the frame, whose URL names it.
    const s = readState(url.searchParams.has('site') || !req.headers.referer ? url : new URL(req.headers.referer));
    if (req.method === 'GET' && url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', shellPage(s, await site(s.site)));
    const browse = /^\/browse\/([A-Z][A-Z0-9]*-\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && browse) {
      // The app links issues as /browse/KEY, as Jira serves them: show that issue's panel when it is a demo issue.
      const current = await site(s.site);
      const found = DEMO_ISSUES.find((n) => current.issues[n].key === browse[1]);
      const issue = current.sb.world.findIssue(browse[1]!);
      if (found) {
        res.writeHead(302, { location: `/?${query({ ...s, page: found })}` });
        return void res.end();
      }
      if (!issue) return send(res, 404, 'text/html; charset=utf-8', `<p>Issue ${esc(browse[1]!)} does not exist on this site.</p>`);
      return send(res, 200, 'text/html; charset=utf-8', `<!doctype html><title>${esc(issue.key)}</title><p style="font-family:sans-serif">${esc(issue.key)}: ${esc(issue.summary)} (${esc(current.sb.world.typeOf(issue).name)}). The preview shows the app's panel on its demo issues only. <a href="/?${query(s)}">Back</a></p>`);
    }
    if (req.method === 'GET' && url.pathname === '/preview/frame') return send(res, 200, 'text/html; charset=utf-8', framePage(s, await site(s.site)));
    const asset = /^\/preview\/assets\/(panel|admin|summary)\.(js|css)$/.exec(url.pathname);
    if (req.method === 'GET' && asset) {
      const b = await bundle(asset[1] as EntryName);
      return send(res, 200, asset[2] === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', asset[2] === 'js' ? b.js : b.css);
    }
    const locale = /^\/preview\/__LOCALES__\/(.+)\.json$/.exec(url.pathname);
    if (req.method === 'GET' && locale) {
      const answer = localeAnswer(locale[1]!);
      return send(res, answer.status, 'application/json', answer.body);
    }
    if (req.method === 'GET' && url.pathname === '/preview/api/user') {
      const account = (await site(s.site)).sb.world.findAccount(url.searchParams.get('accountId') ?? '');
      return account ? json(res, 200, { accountId: account.accountId, displayName: account.displayName }) : json(res, 404, { error: 'no such account' });
    }
    if (req.method === 'POST' && url.pathname === '/preview/api/invoke') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const call = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { resolver: 'panel' | 'admin'; key: string; payload?: unknown };
      const current = await site(s.site);
      const issue = s.page === 'admin' ? undefined : current.issues[s.page];
      const envelope = await invokeResolver(current.sb, call.resolver === 'admin' ? 'admin' : 'panel', {
        key: call.key,
        payload: call.payload ?? {},
        accountId: VIEWERS[s.as].accountId,
        // Forge gives a resolver the viewer's locale and timezone in its context, as view.getContext gives the frame.
        locale: s.locale ?? VIEWERS[s.as].locale,
        timezone: 'UTC',
        ...(issue ? { issue: { id: issue.id, key: issue.key } } : {}),
      });
      return json(res, 200, envelope);
    }
    return json(res, 404, { error: 'No such preview route.' });
  }

  const server = http.createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    urlOf: (s) => `${url}?${query(s)}`,
    site,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      const started = await Promise.allSettled([...sites.values()]);
      await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.sb.close() : undefined)));
    },
  };
}
