import type { FieldError, OperationProgress } from '../../../src/ui/api-types.js';

/** `subject: message`, unless the message already starts with its subject (the CLI's messages often do). */
export function prefixOnce(subject: string | undefined, message: string): string {
  if (!subject || message.startsWith(`${subject}:`)) return message;
  return `${subject}: ${message}`;
}

/** One API field error as a line: `path: message`, the path named once. */
export function fieldErrorLine(field: FieldError): string {
  return prefixOnce(field.path, field.message);
}

/** One progress event of a deploy or rollback as a line: `service: message`, the service named once. */
export function progressLine(progress: OperationProgress): string {
  return prefixOnce(progress.service, progress.message);
}
