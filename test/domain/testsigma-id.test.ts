import { parseTestsigmaId } from '../../src/domain/testsigma-id';
import { translateMessage } from '../../src/i18n/translate';

describe('parseTestsigmaId', () => {
  it.each([
    ['609', '609'],
    [' 609 ', '609'],
    ['0609', '609'],
    ['1234567890123456789', '1234567890123456789'],
    ['https://app.testsigma.com/ui/td/12/cases/609/steps', '609'],
    ['https://app.testsigma.com/ui/td/12/cases/609', '609'],
    ['https://app.testsigma.com/ui/td/suites/55?tab=cases', '55'],
  ])('reads %s as %s', (input, id) => {
    expect(parseTestsigmaId(input)).toEqual({ ok: true, id });
  });

  it('takes a number too, but not one that has lost digits or is not whole', () => {
    expect(parseTestsigmaId(609)).toEqual({ ok: true, id: '609' });
    expect(parseTestsigmaId(Number.MAX_SAFE_INTEGER)).toEqual({ ok: true, id: String(Number.MAX_SAFE_INTEGER) });
    for (const n of [Number.MAX_SAFE_INTEGER + 2, 1e21, 6.5, Number.NaN]) expect(parseTestsigmaId(n).ok).toBe(false);
  });

  it.each([[''], ['   '], ['abc'], ['12a'], ['12345678901234567890'], ['0'], ['https://app.testsigma.com/ui/cases'], ['ftp://x/1'], [null], [{}], [[]]])(
    'refuses %p with a reason',
    (input) => {
      const r = parseTestsigmaId(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(translateMessage('en-US', r.reason)).toMatch(/\w+ \w+/);
    },
  );
});
