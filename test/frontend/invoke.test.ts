const invokeMock = jest.fn();
jest.mock('@forge/bridge', () => ({ invoke: (...args: unknown[]) => invokeMock(...args) }));

import { asEnvelope, callAdmin, callPanel, thrownToEnvelope } from '../../src/frontend/invoke';

describe('invoke wrappers', () => {
  beforeEach(() => invokeMock.mockReset());

  it('passes key and payload through and returns the envelope', async () => {
    invokeMock.mockResolvedValue({ ok: true, data: { links: [] } });
    await expect(callPanel('getPanel', { refresh: true })).resolves.toEqual({ ok: true, data: { links: [] } });
    expect(invokeMock).toHaveBeenCalledWith('getPanel', { refresh: true });
  });

  it('returns resolver errors as sent', async () => {
    const answer = { ok: false, error: { code: 'forbidden', message: 'Only Jira administrators can change these settings.' } };
    invokeMock.mockResolvedValue(answer);
    await expect(callAdmin('getSettings', {})).resolves.toEqual(answer);
  });

  it('turns a thrown invoke into the frontend\'s own "unreachable" error, which the page words and offers to retry', async () => {
    invokeMock.mockRejectedValue(new Error('Network request failed'));
    const answer = await callAdmin('listJobs', {});
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'unreachable',
        message:
          'The app could not be reached (Network request failed). Reload the page and try again; if it keeps happening, tell your Jira administrator.',
      },
    });
  });

  it.each([
    ['by name, as the backend throws it', Object.assign(new Error('Authentication Required'), { name: 'NEEDS_AUTHENTICATION_ERR' })],
    ['by code, as a plain object across the bridge', { code: 'NEEDS_AUTHENTICATION_ERR', message: 'Authentication Required' }],
    ['by message, when the bridge keeps only the text', new Error('NEEDS_AUTHENTICATION_ERR: Authentication Required')],
  ])('rethrows the platform\'s consent error (%s) so that Jira, not the app, shows "Allow access"', async (_how, consent) => {
    invokeMock.mockRejectedValue(consent);
    await expect(callPanel('getPanel', { refresh: false })).rejects.toBe(consent);
  });

  it('leaves long platform errors out of the message', () => {
    const answer = thrownToEnvelope(new Error('x'.repeat(500)));
    expect(answer.error.message).toBe(
      'The app could not be reached. Reload the page and try again; if it keeps happening, tell your Jira administrator.',
    );
    expect(thrownToEnvelope(undefined).error.code).toBe('unreachable');
  });

  it('refuses answers that are not envelopes', () => {
    expect(asEnvelope(undefined)).toMatchObject({ ok: false, error: { code: 'bad_answer' } });
    expect(asEnvelope({ ok: false, error: 'boom' })).toMatchObject({ ok: false, error: { code: 'bad_answer' } });
    expect(asEnvelope({ ok: true, data: null })).toEqual({ ok: true, data: null });
  });
});
