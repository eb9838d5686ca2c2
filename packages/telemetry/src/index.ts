/**
 * OpenTelemetry traces for every Centavo process.
 *
 * Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set (OTLP http/protobuf by default;
 * `OTEL_EXPORTER_OTLP_PROTOCOL=grpc` or `http/json` for the others) or `OTEL_TRACES_CONSOLE=1` (spans printed as JSON lines on
 * stderr). Off means nothing is loaded: no SDK, no instrumentation, no loader hook.
 */
import type { Telemetry } from 'bullmq';

export interface TelemetryHandle {
  /** Flushes pending spans and stops the SDK. */
  shutdown(): Promise<void>;
}


/** The prefix of each console span line, so tests and people can pick them out of the logs. */
export const CONSOLE_SPAN_PREFIX = 'otel-span ';

export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) || env.OTEL_TRACES_CONSOLE === '1';
}

/** `centavo-gateway`, `centavo-auth,budget`, `centavo-all`... from the `--module=` argument. */
export function serviceNameFromArgs(argv: string[]): string {
  const arg = argv.find((a) => a.startsWith('--module='));
  const modules = arg ? arg.slice('--module='.length).split(',').map((s) => s.trim()).filter(Boolean) : [];
  if (argv.includes('migrate')) return 'centavo-migrate';
  if (argv.includes('jobs')) return 'centavo-jobs';
  if (modules.length === 0 || modules.includes('all')) return 'centavo-all';
  return `centavo-${modules.join('-')}`;
}

let bullmq: Telemetry | undefined;

/** BullMQ's tracing, once the SDK started (packages/jobs passes it to every queue and worker). */
export const bullmqTelemetry = (): Telemetry | undefined => bullmq;

/** Called by the SDK when it starts; this module loads none of OpenTelemetry itself. */
export function setBullmqTelemetry(telemetry: Telemetry): void {
  bullmq = telemetry;
}

let started: Promise<TelemetryHandle | undefined> | undefined;

/**
 * Starts tracing when the environment asks for it; call before the instrumented libraries
 * (http, graphql, Prisma, BullMQ) are imported. Idempotent.
 */
export function initTelemetry(options: { serviceName: string; env?: NodeJS.ProcessEnv }): Promise<TelemetryHandle | undefined> {
  const env = options.env ?? process.env;
  if (!tracingEnabled(env)) return Promise.resolve(undefined);
  started ??= import('./sdk.js').then((m) => m.startSdk(options.serviceName, env));
  return started;
}
