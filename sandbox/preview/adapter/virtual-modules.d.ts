// Modules the preview bundler provides (see build.ts): the real @forge/react, and the prop schema read from its types.
declare module 'preview:forge-react-original' {
  export * from '@forge/react';
}
declare module 'preview:prop-schema' {
  const schema: unknown;
  export default schema;
}
// react-dom 18 ships no types and @types/react-dom is not in the tree; the adapter needs only createRoot.
declare module 'react-dom/client' {
  import type { ReactNode } from 'react';
  export function createRoot(container: Element): { render(children: ReactNode): void; unmount(): void };
}
