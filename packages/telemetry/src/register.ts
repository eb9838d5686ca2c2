/** `import '@centavo/telemetry/register'`: starts tracing for this process when the environment asks for it. */
import { initTelemetry, serviceNameFromArgs } from './index.js';

/** The running SDK, if tracing is on: shutdown() flushes the last spans (bin/ calls it on exit). */
export const telemetry = await initTelemetry({ serviceName: serviceNameFromArgs(process.argv.slice(2)) });
