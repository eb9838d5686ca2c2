import { register } from 'node:module';
import { BullMQOtel } from 'bullmq-otel';
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SimpleSpanProcessor, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { CONSOLE_SPAN_PREFIX, setBullmqTelemetry, type TelemetryHandle } from './index.js';

/** One JSON line per span on stderr (stdout carries the logs), with the fields a reader needs. */
class ConsoleLineExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const s of spans) {
      const line = {
        traceId: s.spanContext().traceId,
        spanId: s.spanContext().spanId,
        parentSpanId: s.parentSpanContext?.spanId,
        name: s.name,
        kind: s.kind,
        service: s.resource.attributes[ATTR_SERVICE_NAME],
        start: hrTimeToMicroseconds(s.startTime),
        durationUs: hrTimeToMicroseconds(s.duration),
        status: s.status.code,
        attributes: s.attributes,
      };
      process.stderr.write(`${CONSOLE_SPAN_PREFIX}${JSON.stringify(line)}\n`);
    }
    done({ code: 0 });
  }

  async shutdown(): Promise<void> {}
}

async function otlpExporter(env: NodeJS.ProcessEnv): Promise<SpanExporter> {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (protocol === 'grpc') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
    return new OTLPTraceExporter();
  }
  if (protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter();
  }
  // http/protobuf; reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS itself.
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter();
}

export async function startSdk(serviceName: string, env: NodeJS.ProcessEnv): Promise<TelemetryHandle> {
  if (env.OTEL_LOG_LEVEL === 'debug') diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.DEBUG);
  // ESM modules (graphql's .mjs, our own node:http imports) are patched through import-in-the-middle.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

  const spanProcessors: SpanProcessor[] = [];
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    spanProcessors.push(new BatchSpanProcessor({ exporter: await otlpExporter(env), scheduledDelayMillis: Number(env.OTEL_BSP_SCHEDULE_DELAY ?? 1000) }));
  }
  if (env.OTEL_TRACES_CONSOLE === '1') spanProcessors.push(new SimpleSpanProcessor({ exporter: new ConsoleLineExporter() }));

  const sdk = new NodeSDK({
    serviceName,
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? serviceName }),
    // Local detectors only: no cloud metadata probes (everything talks to loopback).
    resourceDetectors: [envDetector, hostDetector, processDetector],
    spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Health and readiness probes would drown the traces that matter.
        ignoreIncomingRequestHook: (req) => /^\/(health|ready|metrics)\b/.test(req.url ?? ''),
      }),
      new UndiciInstrumentation(),
      new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
      new PrismaInstrumentation(),
    ],
  });
  sdk.start();
  setBullmqTelemetry(new BullMQOtel({ tracerName: 'bullmq' }));
  return { shutdown: () => sdk.shutdown() };
}
