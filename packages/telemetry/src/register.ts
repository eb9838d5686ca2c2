/** `import '@centavo/telemetry/register'`: starts tracing for this process when the environment asks for it. */
import { initTelemetry, serviceNameFromArgs } from './index.js';

await initTelemetry({ serviceName: serviceNameFromArgs(process.argv.slice(2)) });
