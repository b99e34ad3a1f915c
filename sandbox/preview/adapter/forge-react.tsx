/**
 * The preview's `@forge/react`: every UI Kit component `@forge/react` exports, rendered with its Atlaskit counterpart
 * in the page, as Jira renders a UI Kit app's tree. Props are checked first against the schema read from the types
 * `@forge/react` publishes (`prop-schema.ts`), so a prop Jira would refuse throws here too. The hooks are
 * `@forge/react`'s own: they reach the page's bridge (`page-bridge.ts`) as they would reach Jira's.
 *
 * The preview bundler substitutes this module for `@forge/react` in the app's `src/frontend`; nothing else imports it.
 */
import React, { isValidElement, useEffect, useRef, useState, type ReactElement, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import AkButton, { ButtonGroup as AkButtonGroup, LoadingButton as AkLoadingButton } from '@atlaskit/button';
import AkDynamicTable from '@atlaskit/dynamic-table';
import AkLozenge from '@atlaskit/lozenge';
import AkSectionMessage, { SectionMessageAction as AkSectionMessageAction } from '@atlaskit/section-message';
import AkTabs, { Tab as AkTab, TabList as AkTabList, TabPanel as AkTabPanel } from '@atlaskit/tabs';
import AkTextfield from '@atlaskit/textfield';
import AkTextArea from '@atlaskit/textarea';
import AkSelect from '@atlaskit/select';
import AkSpinner from '@atlaskit/spinner';
import AkProgressBar from '@atlaskit/progress-bar';
import AkHeading from '@atlaskit/heading';
import { Box as AkBox, Inline as AkInline, Stack as AkStack, Text as AkText, Bleed as AkBleed, Pressable as AkPressable } from '@atlaskit/primitives';
import AkLink from '@atlaskit/link';
import AkTooltip from '@atlaskit/tooltip';
import AkModal, { ModalBody as AkModalBody, ModalFooter as AkModalFooter, ModalHeader as AkModalHeader, ModalTitle as AkModalTitle, ModalTransition as AkModalTransition } from '@atlaskit/modal-dialog';
import {
  Label as AkLabel,
  HelperMessage as AkHelperMessage,
  ErrorMessage as AkErrorMessage,
  ValidMessage as AkValidMessage,
  RequiredAsterisk as AkRequiredAsterisk,
  FormHeader as AkFormHeader,
  FormFooter as AkFormFooter,
  FormSection as AkFormSection,
} from '@atlaskit/form';
import AkBadge from '@atlaskit/badge';
import AkToggle from '@atlaskit/toggle';
import { Radio as AkRadio, RadioGroup as AkRadioGroup } from '@atlaskit/radio';
import AkTag from '@atlaskit/tag';
import AkTagGroup from '@atlaskit/tag-group';
import AkAvatar from '@atlaskit/avatar';
import AkPagination from '@atlaskit/pagination';
import AkBreadcrumbs, { BreadcrumbsItem as AkBreadcrumbsItem } from '@atlaskit/breadcrumbs';
import { DatePicker as AkDatePicker, TimePicker as AkTimePicker } from '@atlaskit/datetime-picker';
import AkCalendar from '@atlaskit/calendar';
import { ProgressTracker as AkProgressTracker } from '@atlaskit/progress-tracker';
import AkShowMoreIcon from '@atlaskit/icon/core/show-more-horizontal';
import AkChevronDownIcon from '@atlaskit/icon/core/chevron-down';
import AkRefreshIcon from '@atlaskit/icon/core/refresh';
import AkBugIcon from '@atlaskit/icon/core/bug';
import AkLinkBrokenIcon from '@atlaskit/icon/core/link-broken';
import AkAutomationIcon from '@atlaskit/icon/core/automation';
import schemaJson from 'preview:prop-schema';
import { checkProps, UIKitPropError } from './check-props';
import { reportPreviewError } from '../page/page-bridge';
import type { PropSchema } from '../prop-schema';

// @forge/react's own hooks and helpers, unchanged (the bundler maps this specifier to the real package's index).
export {
  useProductContext,
  useConfig,
  useTheme,
  usePermissions,
  useContentProperty,
  useSpaceProperty,
  useIssueProperty,
  useTranslation,
  I18nProvider,
  useForm,
  useObjectStore,
  xcss,
  replaceUnsupportedDocumentNodes,
} from 'preview:forge-react-original';

const schema = schemaJson as PropSchema;

// Checked against the UI Kit schema at run time; Atlaskit's own types cannot see UI Kit's props.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, any> & { children?: ReactNode };
type Render = (props: Props) => ReactNode;

/** UI Kit component names the page rendered, for the coverage test. */
const rendered = new Set<string>();
(globalThis as { __previewRendered?: Set<string> }).__previewRendered = rendered;

/** A UI Kit component: checks its props against Jira's, then renders its Atlaskit counterpart. */
function kit(name: string, render: Render): (props: Props) => ReactElement {
  const rules = schema[name];
  if (!rules) throw new UIKitPropError(`The preview has no prop types for ${name}: @forge/react does not export it.`);
  const Component = (props: Props) => {
    checkProps(name, rules, props);
    rendered.add(name);
    return <>{render(props)}</>;
  };
  Component.displayName = `UIKit(${name})`;
  return Component;
}

/** Drops undefined props and renames UI Kit's to Atlaskit's. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function pick(props: Props, rename: Record<string, string> = {}, drop: string[] = []): any {
  const out: Props = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || drop.includes(k)) continue;
    out[rename[k] ?? k] = v;
  }
  return out;
}

/** A component Atlaskit has no package for in this tree: shown as a labelled box, so a page that uses it still renders. */
function placeholder(name: string): Render {
  return (props) => (
    <div data-ui-kit={name} style={{ border: '1px dashed #8590a2', padding: 8, borderRadius: 3, color: '#44546f', font: '12px sans-serif' }}>
      {`${name} (${typeof props.label === 'string' ? props.label : 'not drawn by the preview'})`}
    </div>
  );
}

// UI Kit sends DynamicTable cells across the bridge after calling a function component in a cell as a plain
// function (see @forge/react's dynamic-table): doing the same here makes hooks in cells break as they do in Jira.
function reconcileCell(content: unknown): unknown {
  return isValidElement(content) && typeof content.type === 'function' && !(content.type as { displayName?: string }).displayName?.startsWith('UIKit(')
    ? (content.type as (p: unknown) => unknown)(content.props)
    : content;
}

interface TableCell {
  key?: string;
  content?: unknown;
  [k: string]: unknown;
}
interface TableRow {
  key?: string;
  cells: TableCell[];
  [k: string]: unknown;
}

export const Badge = kit('Badge', (p) => <AkBadge {...pick(p, {}, ['testId'])} />);
// UI Kit's xcss takes raw CSS for sizes (developer.atlassian.com/platform/forge/ui-kit/components/xcss/); the
// preview draws those on a wrapper, since Atlaskit's Box wants its own compiled xcss.
const BOX_SIZES = ['width', 'maxWidth', 'minWidth'] as const;
export const Box = kit('Box', (p) => {
  const style: React.CSSProperties = {};
  for (const k of BOX_SIZES) {
    const v = (p.xcss as Record<string, unknown> | undefined)?.[k];
    if (typeof v === 'string' || typeof v === 'number') style[k] = v;
  }
  const box = <AkBox {...pick(p, {}, ['xcss'])} />;
  return Object.keys(style).length > 0 ? <div style={style}>{box}</div> : box;
});
// UI Kit names a button's icon by its glyph (ButtonProps' `Icon` names); Jira draws Atlaskit's icon of that name. The
// glyphs the app uses are drawn with their Atlaskit icons; any other shows as a grey dot, so the button still renders.
const GLYPHS: Record<string, (props: { label: string }) => ReactElement> = {
  more: AkShowMoreIcon,
  'show-more-horizontal': AkShowMoreIcon,
  'chevron-down': AkChevronDownIcon,
  refresh: AkRefreshIcon,
  'issue-raise': AkBugIcon,
  unlink: AkLinkBrokenIcon,
  automation: AkAutomationIcon,
};
function glyph(name: unknown): ReactNode {
  if (typeof name !== 'string') return undefined;
  const Glyph = GLYPHS[name];
  return Glyph ? <Glyph label="" /> : <span data-glyph={name} style={{ display: 'inline-block', width: 12, height: 12, borderRadius: 6, background: '#8590a2' }} />;
}
/** A Button's props for Atlaskit: its glyph names become icons. */
function buttonProps(p: Props) {
  return { ...pick(p, {}, ['testId']), ...(p.iconBefore ? { iconBefore: glyph(p.iconBefore) } : {}), ...(p.iconAfter ? { iconAfter: glyph(p.iconAfter) } : {}) };
}
export const Button = kit('Button', (p) => <AkButton {...buttonProps(p)} />);
export const ButtonGroup = kit('ButtonGroup', (p) => <AkButtonGroup {...pick(p, {}, ['testId', 'titleId'])} />);
export const LoadingButton = kit('LoadingButton', (p) => <AkLoadingButton {...buttonProps(p)} />);
export const LinkButton = kit('LinkButton', (p) => <AkButton {...pick(p, {}, ['testId', 'ref'])} />);
export const Checkbox = kit('Checkbox', (p) => (
  <label style={{ display: 'inline-flex', gap: 8, alignItems: 'center', font: '14px sans-serif' }}>
    <input
      type="checkbox"
      id={p.id as string | undefined}
      name={p.name as string | undefined}
      value={p.value as string | undefined}
      checked={p.isChecked as boolean | undefined}
      defaultChecked={p.defaultChecked as boolean | undefined}
      disabled={p.isDisabled as boolean | undefined}
      required={p.isRequired as boolean | undefined}
      aria-invalid={p['aria-invalid'] as boolean | undefined}
      onChange={p.onChange as React.ChangeEventHandler<HTMLInputElement> | undefined}
      onBlur={p.onBlur as React.FocusEventHandler | undefined}
      onFocus={p.onFocus as React.FocusEventHandler | undefined}
    />
    {p.label as ReactNode}
  </label>
));
export const CheckboxGroup = kit('CheckboxGroup', (p) => {
  const options = ((p.options ?? p.items ?? []) as Array<{ label: string; value: string; isDisabled?: boolean }>);
  const value = (p.value ?? p.defaultValue ?? []) as string[];
  return (
    <fieldset style={{ border: 0, padding: 0 }}>
      {typeof p.label === 'string' && <legend>{p.label}</legend>}
      {options.map((o) => (
        <label key={o.value} style={{ display: 'block', font: '14px sans-serif' }}>
          <input
            type="checkbox"
            name={p.name as string}
            value={o.value}
            defaultChecked={value.includes(o.value)}
            disabled={Boolean(p.isDisabled || o.isDisabled)}
            onChange={(e) => (p.onChange as ((v: string[]) => void) | undefined)?.(e.target.checked ? [...value, o.value] : value.filter((x) => x !== o.value))}
          />{' '}
          {o.label}
        </label>
      ))}
    </fieldset>
  );
});
const codeStyle: React.CSSProperties = { fontFamily: 'ui-monospace, Menlo, monospace', fontSize: '0.875em', background: '#f1f2f4', borderRadius: 3, padding: '0 4px' };
export const Code = kit('Code', (p) => <code style={codeStyle}>{p.children}</code>);
export const CodeBlock = kit('CodeBlock', (p) => (
  <pre data-language={p.language as string | undefined} style={{ ...codeStyle, padding: 8, overflowX: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
    <code>{p.text as string}</code>
  </pre>
));
export const DynamicTable = kit('DynamicTable', (p) => {
  const head = p.head as { cells: TableCell[] } | undefined;
  const rows = p.rows as TableRow[] | undefined;
  return (
    <AkDynamicTable
      {...pick(p, {}, ['testId', 'head', 'rows'])}
      head={head && { ...head, cells: head.cells.map((c) => ({ ...c, content: reconcileCell(c.content) as ReactNode })) }}
      rows={rows?.map((r) => ({ ...r, cells: r.cells.map((c) => ({ ...c, content: reconcileCell(c.content) as ReactNode })) }))}
    />
  );
});
export const EmptyState = kit('EmptyState', (p) => {
  const Tag = `h${Number(p.headingLevel ?? 4)}` as 'h4';
  return (
    <div style={{ textAlign: 'center', padding: 24, maxWidth: p.width === 'narrow' ? 304 : 464, margin: '0 auto' }}>
      <Tag style={{ margin: '0 0 8px' }}>{p.header as string}</Tag>
      {p.description !== undefined && <p style={{ margin: '0 0 16px', color: '#44546f' }}>{p.description as ReactNode}</p>}
      {p.isLoading ? <AkSpinner /> : (
        <AkButtonGroup label={p.buttonGroupLabel as string | undefined}>
          {p.primaryAction as ReactNode}
          {p.secondaryAction as ReactNode}
        </AkButtonGroup>
      )}
      {p.tertiaryAction as ReactNode}
    </div>
  );
});
export const ErrorMessage = kit('ErrorMessage', (p) => <AkErrorMessage>{p.children}</AkErrorMessage>);
export const HelperMessage = kit('HelperMessage', (p) => <AkHelperMessage>{p.children}</AkHelperMessage>);
export const ValidMessage = kit('ValidMessage', (p) => <AkValidMessage>{p.children}</AkValidMessage>);
export const RequiredAsterisk = kit('RequiredAsterisk', () => <AkRequiredAsterisk />);
export const Form = kit('Form', (p) => (
  <form
    noValidate
    onSubmit={(event) => {
      event.preventDefault();
      void (p.onSubmit as () => unknown)();
    }}
  >
    {p.children}
  </form>
));
export const FormHeader = kit('FormHeader', (p) => <AkFormHeader {...pick(p)} />);
export const FormFooter = kit('FormFooter', (p) => <AkFormFooter {...pick(p)} />);
export const FormSection = kit('FormSection', (p) => <AkFormSection {...pick(p)} />);
export const Heading = kit('Heading', (p) => <AkHeading {...(pick(p, {}, ['testId']) as { size: 'small'; children: ReactNode })} />);
export const Icon = kit('Icon', (p) => {
  const Glyph = typeof p.glyph === 'string' ? GLYPHS[p.glyph] : undefined;
  // A glyph the preview knows is drawn with its Atlaskit icon; any other as a grey dot. Either way the label names it.
  return Glyph ? (
    <span role="img" aria-label={p.label as string} data-glyph={p.glyph as string} style={{ display: 'inline-flex' }}>
      <Glyph label="" />
    </span>
  ) : (
    <span role="img" aria-label={p.label as string} data-glyph={p.glyph as string} style={{ display: 'inline-block', width: p.size === 'large' ? 24 : 16, height: p.size === 'large' ? 24 : 16, borderRadius: 8, background: '#8590a2' }} />
  );
});
export const Image = kit('Image', (p) => <img src={p.src as string} alt={(p.alt as string | undefined) ?? ''} width={p.width as number | undefined} height={p.height as number | undefined} style={{ maxWidth: '100%' }} />);
export const Inline = kit('Inline', (p) => <AkInline {...pick(p)} />);
export const Stack = kit('Stack', (p) => <AkStack {...pick(p)} />);
export const Bleed = kit('Bleed', (p) => <AkBleed {...(pick(p) as { children: ReactNode })} />);
export const Pressable = kit('Pressable', (p) => <AkPressable {...pick(p, {}, ['xcss'])} />);
export const Text = kit('Text', (p) => <AkText {...pick(p)} />);
export const Em = kit('Em', (p) => <em>{p.children}</em>);
export const Strong = kit('Strong', (p) => <strong>{p.children}</strong>);
export const Strike = kit('Strike', (p) => <s>{p.children}</s>);
export const Label = kit('Label', (p) => <AkLabel {...(pick(p, { labelFor: 'htmlFor' }, ['testId']) as { htmlFor: string; children: ReactNode })} />);
export const Link = kit('Link', (p) => (
  <AkLink href={p.href as string} {...(p.openNewTab ? { target: '_blank', rel: 'noopener noreferrer' } : {})}>
    {p.children}
  </AkLink>
));
export const List = kit('List', (p) => (p.type === 'ordered' ? <ol>{p.children}</ol> : <ul>{p.children}</ul>));
export const ListItem = kit('ListItem', (p) => <li>{p.children}</li>);
export const Lozenge = kit('Lozenge', (p) => <AkLozenge {...pick(p, {}, ['testId'])} />);
export const Modal = kit('Modal', (p) => <AkModal {...pick(p, {}, ['testId', 'icon', 'title'])} />);
export const ModalBody = kit('ModalBody', (p) => <AkModalBody {...pick(p, {}, ['testId'])} />);
export const ModalFooter = kit('ModalFooter', (p) => <AkModalFooter {...pick(p, {}, ['testId'])} />);
export const ModalHeader = kit('ModalHeader', (p) => <AkModalHeader {...pick(p, {}, ['testId'])} />);
export const ModalTitle = kit('ModalTitle', (p) => <AkModalTitle {...pick(p, {}, ['testId'])} />);
export const ModalTransition = kit('ModalTransition', (p) => <AkModalTransition>{p.children}</AkModalTransition>);
export const ProgressBar = kit('ProgressBar', (p) => <AkProgressBar {...pick(p, {}, ['testId'])} />);
export const ProgressTracker = kit('ProgressTracker', (p) => <AkProgressTracker {...(pick(p, {}, ['testId']) as { items: [] })} />);
export const Radio = kit('Radio', (p) => <AkRadio {...pick(p, {}, ['testId'])} />);
export const RadioGroup = kit('RadioGroup', (p) => <AkRadioGroup {...(pick(p, {}, ['testId']) as { options: [] })} />);
export const Range = kit('Range', (p) => (
  <input
    type="range"
    id={p.id as string | undefined}
    name={p.name as string | undefined}
    min={p.min as number | undefined}
    max={p.max as number | undefined}
    step={p.step as number | undefined}
    value={p.value as number | undefined}
    defaultValue={p.defaultValue as number | undefined}
    disabled={p.isDisabled as boolean | undefined}
    onChange={(e) => (p.onChange as ((v: number) => void) | undefined)?.(Number(e.target.value))}
  />
));
// As in Atlaskit: `id` names the container, `inputId` the input a Label's labelFor points at.
export const Select = kit('Select', (p) => <AkSelect {...pick(p, {}, ['testId'])} />);
export const SectionMessage = kit('SectionMessage', (p) => <AkSectionMessage {...(pick(p, {}, ['testId']) as { children: ReactNode })} />);
export const SectionMessageAction = kit('SectionMessageAction', (p) => <AkSectionMessageAction {...(pick(p, {}, ['testId']) as { children: ReactNode })} />);
export const Spinner = kit('Spinner', (p) => <AkSpinner {...pick(p, {}, ['testId'])} />);
export const Tabs = kit('Tabs', (p) => <AkTabs {...(pick(p, {}, ['testId']) as { id: string; children: ReactNode })} />);
export const Tab = kit('Tab', (p) => <AkTab>{p.children}</AkTab>);
export const TabList = kit('TabList', (p) => <AkTabList>{p.children}</AkTabList>);
export const TabPanel = kit('TabPanel', (p) => (
  <AkTabPanel>
    <div style={{ paddingTop: 16, width: '100%' }}>{p.children}</div>
  </AkTabPanel>
));
export const Tag = kit('Tag', (p) => <AkTag {...(pick(p, {}, ['testId']) as { text: string })} />);
export const TagGroup = kit('TagGroup', (p) => <AkTagGroup {...(pick(p) as { children: ReactNode })} />);
export const TextArea = kit('TextArea', (p) => <AkTextArea {...pick(p, {}, ['testId'])} />);
export const Textfield = kit('Textfield', (p) => <AkTextfield {...pick(p, {}, ['testId'])} />);
export const Toggle = kit('Toggle', (p) => <AkToggle {...pick(p, {}, ['testId'])} />);
export const Tooltip = kit('Tooltip', (p) => (
  <AkTooltip {...(pick(p, {}, ['testId', 'children']) as { content: string })}>
    {/* Atlaskit's Tooltip wants one element that takes a ref; UI Kit accepts any children. */}
    <span style={{ display: 'inline-block' }}>{p.children}</span>
  </AkTooltip>
));
export const DatePicker = kit('DatePicker', (p) => <AkDatePicker {...pick(p, {}, ['testId'])} />);
export const TimePicker = kit('TimePicker', (p) => <AkTimePicker {...pick(p, {}, ['testId'])} />);
export const Calendar = kit('Calendar', (p) => <AkCalendar {...pick(p, {}, ['testId'])} />);
export const Pagination = kit('Pagination', (p) => <AkPagination {...(pick(p, {}, ['testId']) as { pages: [] })} />);
export const Breadcrumbs = kit('Breadcrumbs', (p) => <AkBreadcrumbs {...pick(p, {}, ['testId'])} />);
export const BreadcrumbsItem = kit('BreadcrumbsItem', (p) => <AkBreadcrumbsItem {...(pick(p, {}, ['testId']) as { text: string })} />);

/** The account's display name, from the preview host (Jira renders User from its own user directory). */
function useDisplayName(accountId: string): string | undefined {
  const [name, setName] = useState<string>();
  useEffect(() => {
    let live = true;
    fetch(`/preview/api/user?accountId=${encodeURIComponent(accountId)}`)
      .then((r) => (r.ok ? (r.json() as Promise<{ displayName: string }>) : undefined))
      .then((u) => live && setName(u?.displayName ?? 'Unknown user'))
      .catch(() => live && setName('Unknown user'));
    return () => {
      live = false;
    };
  }, [accountId]);
  return name;
}
function UserView({ accountId, hideDisplayName }: { accountId: string; hideDisplayName?: boolean }) {
  const name = useDisplayName(accountId);
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
      <AkAvatar size="xsmall" name={name} />
      {!hideDisplayName && <span style={{ fontSize: 14 }}>{name ?? '…'}</span>}
    </span>
  );
}
export const User = kit('User', (p) => <UserView accountId={p.accountId as string} hideDisplayName={p.hideDisplayName as boolean | undefined} />);
export const UserGroup = kit('UserGroup', (p) => <span style={{ display: 'inline-flex', gap: 4 }}>{p.children}</span>);

// No Atlaskit package for these is in the tree that @forge/react brings: drawn as labelled boxes.
export const BarChart = kit('BarChart', placeholder('BarChart'));
export const StackBarChart = kit('StackBarChart', placeholder('StackBarChart'));
export const HorizontalBarChart = kit('HorizontalBarChart', placeholder('HorizontalBarChart'));
export const HorizontalStackBarChart = kit('HorizontalStackBarChart', placeholder('HorizontalStackBarChart'));
export const LineChart = kit('LineChart', placeholder('LineChart'));
export const DonutChart = kit('DonutChart', placeholder('DonutChart'));
export const PieChart = kit('PieChart', placeholder('PieChart'));
export const FileCard = kit('FileCard', placeholder('FileCard'));
export const FilePicker = kit('FilePicker', placeholder('FilePicker'));
export const CommentEditor = kit('CommentEditor', placeholder('CommentEditor'));
export const ChromelessEditor = kit('ChromelessEditor', placeholder('ChromelessEditor'));
export const Tile = kit('Tile', placeholder('Tile'));
export const AtlassianTile = kit('AtlassianTile', placeholder('AtlassianTile'));
export const AtlassianIcon = kit('AtlassianIcon', placeholder('AtlassianIcon'));
export const UserPicker = kit('UserPicker', placeholder('UserPicker'));
export const Frame = kit('Frame', placeholder('Frame'));
export const AdfRenderer = kit('AdfRenderer', placeholder('AdfRenderer'));
export const Comment = kit('Comment', (p) => (
  <div style={{ display: 'flex', gap: 8 }}>
    {p.avatar as ReactNode}
    <div>
      <div style={{ fontSize: 12, color: '#44546f' }}>
        {p.author as ReactNode} {p.time as ReactNode}
      </div>
      <div>{p.content as ReactNode}</div>
      {p.children}
    </div>
  </div>
));
export const InlineEdit = kit('InlineEdit', (p) => {
  const [editing, setEditing] = useState(Boolean(p.startWithEditViewOpen));
  const readView = p.readView as () => ReactNode;
  const editView = p.editView as (fieldProps: { value: unknown; onChange: (v: unknown) => void }) => ReactNode;
  const [value, setValue] = useState(p.defaultValue);
  return editing ? (
    <span>
      {editView({ value, onChange: setValue })}
      <AkButton spacing="compact" onClick={() => { setEditing(false); (p.onConfirm as (v: unknown) => void)(value); }}>{(p.confirmButtonLabel as string) ?? 'Confirm'}</AkButton>
      <AkButton spacing="compact" appearance="subtle" onClick={() => { setEditing(false); (p.onCancel as (() => void) | undefined)?.(); }}>{(p.cancelButtonLabel as string) ?? 'Cancel'}</AkButton>
    </span>
  ) : (
    <span onClick={() => setEditing(true)}>{readView()}</span>
  );
});
// UI Kit calls `trigger()` and `content()` with no arguments (see @forge/react's popup.js) and Jira places the content
// by the trigger, in a layer of its own that no table cell clips. Drawn here fixed under the trigger (Atlaskit's Popup
// lost its place inside the preview's table and opened at the frame's top left), closed by Escape or a click
// outside, as Atlaskit's closes.
function PopupView({ p }: { p: Props }) {
  const box = useRef<HTMLSpanElement>(null);
  const open = Boolean(p.isOpen);
  const onClose = p.onClose as ((e: Event) => void) | undefined;
  useEffect(() => {
    if (!open || !onClose) return undefined;
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) onClose(e);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose(e);
    };
    document.addEventListener('mousedown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open, onClose]);
  const end = typeof p.placement === 'string' && p.placement.endsWith('-end');
  const [at, setAt] = useState<{ top: number; left: number; right: number }>();
  useEffect(() => {
    const r = box.current?.getBoundingClientRect();
    setAt(open && r ? { top: r.bottom + 4, left: r.left, right: document.documentElement.clientWidth - r.right } : undefined);
  }, [open]);
  return (
    <span ref={box} style={{ position: 'relative', display: 'inline-block' }}>
      {(p.trigger as () => ReactNode)()}
      {open && at && (
        <div
          role={(p.role as string | undefined) ?? 'dialog'}
          aria-label={p.label as string | undefined}
          id={p.id as string | undefined}
          style={{ position: 'fixed', top: at.top, ...(end ? { right: at.right } : { left: at.left }), zIndex: 400, minWidth: 160, background: '#fff', boxShadow: '0 8px 12px rgba(9,30,66,.15), 0 0 1px rgba(9,30,66,.31)', padding: '4px 0', borderRadius: 3 }}
        >
          {(p.content as () => ReactNode)()}
        </div>
      )}
    </span>
  );
}
export const Popup = kit('Popup', (p) => <PopupView p={p} />);

/** Shows a refused prop (or any render error) in the page instead of a blank frame. */
class PreviewBoundary extends React.Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error) {
    reportPreviewError(error.message);
  }
  override render() {
    return this.state.error ? null : this.props.children;
  }
}

/** `@forge/react`'s default export: `render` mounts the app in the page instead of sending its tree to Jira. */
const ForgeReconciler = {
  render(element: ReactElement): void {
    const container = document.getElementById('app');
    if (!container) throw new Error('the preview page has no #app element');
    createRoot(container).render(<PreviewBoundary>{element}</PreviewBoundary>);
  },
  addConfig(element: ReactElement): void {
    void element;
  },
};
export default ForgeReconciler;
export { UIKitPropError };
