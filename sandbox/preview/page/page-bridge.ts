/**
 * The page's `__bridge`: what Jira gives a UI Kit app's frame. `@forge/bridge` (the real package, bundled with the app)
 * sends its calls here; `invoke` goes over HTTP to the preview host, which calls the app's real resolver with the
 * chosen user's context. It must run before the app's modules: `@forge/bridge` looks the bridge up when it loads.
 */
import { HANDLED_COMMANDS } from './bridge-api';

/** What the preview host writes into the frame. */
export interface FrameConfig {
  resolver: 'panel' | 'admin';
  /** Query string that names the site, the viewer and the issue for `/preview/api/invoke`. */
  query: string;
  /** What `view.getContext()` answers. */
  context: Record<string, unknown>;
}

declare global {
  interface Window {
    __PREVIEW__: FrameConfig;
    __previewErrors: string[];
    __previewCommands: Set<string>;
  }
}

const config = window.__PREVIEW__;
window.__previewErrors = [];
const commands = new Set<string>();
window.__previewCommands = commands;

/** Shows an error of the preview itself in the page, where a test and a reviewer see it. */
export function reportPreviewError(message: string): void {
  // React in development reports a render error twice (to the boundary and to window): keep one.
  if (window.__previewErrors.includes(message)) return;
  window.__previewErrors.push(message);
  let box = document.getElementById('preview-errors');
  if (!box) {
    box = document.createElement('div');
    box.id = 'preview-errors';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'border:2px solid #c9372c;background:#ffeceb;color:#5d1f1a;padding:8px;margin:8px 0;font:13px monospace;white-space:pre-wrap';
    document.body.prepend(box);
  }
  box.textContent = `The preview refused this page (Jira would too):\n${window.__previewErrors.join('\n')}`;
}

function flagArea(): HTMLElement {
  let area = document.getElementById('preview-flags');
  if (!area) {
    area = document.createElement('div');
    area.id = 'preview-flags';
    area.style.cssText = 'position:fixed;left:16px;bottom:16px;display:flex;flex-direction:column;gap:8px;z-index:1000';
    document.body.append(area);
  }
  return area;
}

interface FlagOptions {
  id: string | number;
  isAutoDismiss?: boolean;
  title?: string;
  description?: string;
  type?: 'info' | 'success' | 'warning' | 'error';
  actions?: Array<{ text: string }>;
}

const FLAG_COLOURS: Record<string, string> = { info: '#0c66e4', success: '#22a06b', warning: '#e2b203', error: '#c9372c' };

function showFlag(options: FlagOptions): void {
  const flag = document.createElement('div');
  flag.setAttribute('role', 'status');
  flag.dataset.flagId = String(options.id);
  flag.style.cssText = `background:#fff;border-left:4px solid ${FLAG_COLOURS[options.type ?? 'info'] ?? '#0c66e4'};box-shadow:0 4px 8px rgba(9,30,66,.25);padding:12px 16px;border-radius:3px;width:320px;font:14px sans-serif`;
  const title = document.createElement('strong');
  title.textContent = options.title ?? '';
  flag.append(title);
  if (options.description) {
    const p = document.createElement('div');
    p.textContent = options.description;
    flag.append(p);
  }
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.textContent = 'Dismiss';
  dismiss.style.cssText = 'display:block;margin-top:8px;border:0;background:none;color:#0c66e4;cursor:pointer;padding:0;font:inherit';
  dismiss.onclick = () => flag.remove();
  flag.append(dismiss);
  flagArea().append(flag);
  // Atlaskit's auto-dismissing flags go after 8 seconds.
  if (options.isAutoDismiss) setTimeout(() => flag.remove(), 8000);
}

async function callBridge(command: string, data?: Record<string, unknown>): Promise<unknown> {
  commands.add(command);
  switch (command) {
    case 'invoke': {
      const res = await fetch(`/preview/api/invoke?${config.query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resolver: config.resolver, key: data?.functionKey, payload: data?.payload ?? {} }),
      });
      if (!res.ok) throw new Error(`The resolver call failed with HTTP ${res.status}`);
      return res.json();
    }
    case 'getContext':
      return structuredClone(config.context);
    case 'showFlag':
      showFlag(data as unknown as FlagOptions);
      return undefined;
    case 'closeFlag':
      document.querySelector(`[data-flag-id="${String(data?.id)}"]`)?.remove();
      return undefined;
    case 'navigate':
    case 'open':
      window.parent.postMessage({ preview: 'navigate', target: data }, '*');
      return undefined;
    case 'reload':
    case 'refresh':
      window.location.reload();
      return undefined;
    case 'close':
    case 'submit':
      return undefined;
    default:
      reportPreviewError(`The app called the bridge command "${command}", which the preview does not provide.`);
      throw new Error(`bridge command ${command} is not provided by the preview`);
  }
}

void HANDLED_COMMANDS;
(globalThis as { __bridge?: unknown }).__bridge = { callBridge };

// Tell the host page how tall the app is, as Jira sizes a panel's frame to its content. An open Modal (fixed, in a
// portal beside the app) counts too: Jira draws it over the whole page, so the frame must be tall enough to show it.
const postHeight = () => {
  const dialog = document.querySelector('.atlaskit-portal [role="dialog"]');
  // Its parts' full heights (the body scrolls inside a dialog as tall as the frame), plus the margin Atlaskit keeps.
  const modal = dialog ? [...dialog.children].reduce((h, part) => h + part.scrollHeight, 0) + 160 : 0;
  window.parent.postMessage({ preview: 'height', height: Math.max(document.body.scrollHeight + 16, modal) }, '*');
};
const observeHeight = () => {
  new ResizeObserver(postHeight).observe(document.body);
  new MutationObserver(() => requestAnimationFrame(postHeight)).observe(document.body, { childList: true, subtree: true });
};
if (document.body) observeHeight();
else document.addEventListener('DOMContentLoaded', observeHeight);
window.addEventListener('error', (e) => reportPreviewError(String(e.error instanceof Error ? e.error.message : e.message)));
window.addEventListener('unhandledrejection', (e) => reportPreviewError(`Unhandled: ${e.reason instanceof Error ? e.reason.message : String(e.reason)}`));
