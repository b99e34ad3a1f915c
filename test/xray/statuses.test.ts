/** Finding 14 (issue 10): one null-named entry of `getStatuses` does not reject the whole list. */
import { setup } from './fake-xray';

describe('finding 14: getStatuses with a null-named entry', () => {
  it('answers the named statuses and skips the entry without a name', async () => {
    const t = setup();
    t.xray.script('graphql', {
      status: 200,
      body: JSON.stringify({ data: { getStatuses: [{ name: 'PASSED', final: true }, { name: null, final: false }, { name: 'TO DO', final: false, color: null }] } }),
    });
    const statuses = await t.client().getStatuses();
    expect(statuses.map((s) => s.name)).toEqual(['PASSED', 'TO DO']);
  });
});
