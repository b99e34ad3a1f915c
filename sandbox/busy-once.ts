import { runBusySite } from './chaos/busy-site';
(async () => {
  const t0 = Date.now();
  const b = await runBusySite({ seed: 1 } as any);
  console.log(JSON.stringify({ ...b, ms: Date.now() - t0 }, null, 1));
})();
