import { SectionMessage, SectionMessageAction } from '@forge/react';
import { textWithIssueLinks } from './issueKeyLinks';
import { useT, type Translator } from './i18n';

/** An error as a resolver (or the invoke wrapper) answered it. */
export interface ShownError {
  code: string;
  message: string;
}

/** Props of {@link ErrorMessage}. */
export interface ErrorMessageProps {
  error: ShownError;
  /** Offered as the message's action, only for errors a retry can cure (see {@link canRetry}). */
  onRetry?: () => void;
}

// Errors a second try can cure: a fault, a busy service, a lost connection. Retrying `not_found` or `invalid_id`
// gives the same answer again.
const RETRYABLE = new Set(['internal', 'rate_limited', 'unreachable', 'bad_answer']);
// Codes the invoke wrapper makes itself when no resolver answered: no message was sent, so the resources word them.
const FRONTEND_MADE = new Set(['unreachable', 'bad_answer']);

/** Whether a retry may help with an error of this code. */
export function canRetry(code: string): boolean {
  return RETRYABLE.has(code);
}

/**
 * What the message says: the resolver's message as sent (contract section 7; the resolver writes it in the
 * viewer's language and names the issue, id or service involved, which a sentence by code could not), or the
 * resources' sentence for an error the frontend made itself.
 */
export function errorText(t: Translator, error: ShownError): string {
  return FRONTEND_MADE.has(error.code) ? t(`errors.${error.code}.message`) : error.message;
}

/** The message's title by code ("Not allowed", "Try again later"), a general one for codes without their own. */
export function errorTitle(t: Translator, code: string): string {
  return t.has(`errors.${code}.title`) ? t(`errors.${code}.title`) : t('errors.other.title');
}

/** An error SectionMessage with a title by code, the message, and "Try again" as its action where that can help. */
export function ErrorMessage({ error, onRetry }: ErrorMessageProps) {
  const t = useT();
  const retry = onRetry && canRetry(error.code) ? onRetry : undefined;
  return (
    <SectionMessage
      appearance="error"
      title={errorTitle(t, error.code)}
      {...(retry ? { actions: [<SectionMessageAction key="retry" onClick={retry}>{t('errors.retry')}</SectionMessageAction>] } : {})}
    >
      {textWithIssueLinks(errorText(t, error))}
    </SectionMessage>
  );
}
