import Resolver from '@forge/resolver';
import type { ResolverHandlers, ResolverRequest } from '../resolvers/envelope';

/** Registers our resolver handlers with Forge's `Resolver` and returns the function handler. */
export function toForgeResolver(handlers: ResolverHandlers) {
  const resolver = new Resolver();
  for (const [key, handler] of Object.entries(handlers)) {
    resolver.define(key, (req) => handler(req as unknown as ResolverRequest));
  }
  return resolver.getDefinitions();
}
