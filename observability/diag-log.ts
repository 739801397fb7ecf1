/**
 * installDiagLogger routes the OpenTelemetry SDK's own diagnostics (an OTEL_* value it cannot use
 * and falls back from, an export that failed) into the process's JSON log, warnings and errors only.
 * With OTEL_LOG_LEVEL set, the SDK installs its console logger at that level instead.
 */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { Logger } from '../core/log';

/** installDiagLogger sends diag warnings and errors to log (component "otel-sdk"). */
export function installDiagLogger(log: Logger): void {
  const text = (message: string, args: unknown[]) => [message, ...args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a)))].join(' ').slice(0, 2000);
  diag.setLogger(
    {
      error: (message, ...args) => log.error(text(message, args), { component: 'otel-sdk' }),
      warn: (message, ...args) => log.warn(text(message, args), { component: 'otel-sdk' }),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}
