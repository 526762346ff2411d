import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { createHttpFetch } from '../src/egress/create-http-fetch';
import type { Check } from './check';
import { ownCpuMs } from './cpu-time';

const CALLS = Number(process.env.BENCH_TRANSPORT_CALLS ?? 6000);
const IN_FLIGHT = 64;
const ROUNDS = Number(process.env.BENCH_TRANSPORT_ROUNDS ?? 5);
/** Issue 15 item 1: the relay's transport may cost at most this much CPU per call over a bare keep-alive POST. */
const BUDGET = 1.5;

// The server lives in a process of its own, so this process's CPU is the client's alone. Plain node, no tsx: it
// reads each body and answers a small JSON, as amojo's new_message answer is.
const SERVER = `
const http = require('node:http');
const answer = Buffer.from('{"new_message":{"msgid":"bench"}}');
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer));
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`transport server exited with ${code}`)));
    child.stdout?.once('data', (chunk: Buffer) => resolve({ url: chunk.toString().trim(), child }));
  });
}

/** A body the size of a signed amojo new_message. */
const BODY = JSON.stringify({
  event_type: 'new_message',
  payload: {
    timestamp: 1_700_000_000,
    msec_timestamp: 1_700_000_000_000,
    msgid: 'transport-bench-0001',
    conversation_id: 'transport-chat-1',
    sender: { id: 'transport-user-1', name: 'Client' },
    message: { type: 'text', text: 'Message from the transport bench' },
  },
});
const HEADERS = {
  'content-type': 'application/json',
  date: new Date(0).toUTCString(),
  'content-md5': '00000000000000000000000000000000',
  'x-signature': '0000000000000000000000000000000000000000',
};

type Call = () => Promise<string>;

/**
 * The yardstick: node:http with a keep-alive agent. Like any caller it starts from a JSON string and ends with the
 * answer as a string; everything else (URL, headers, agent) is fixed up front.
 */
function bareCall(url: string): Call {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  return () =>
    new Promise((resolve, reject) => {
      const body = Buffer.from(BODY, 'utf8');
      const request = http.request({
        host: target.hostname,
        port: target.port,
        path: '/v2/origin/custom/scope',
        method: 'POST',
        headers: { ...HEADERS, 'content-length': String(body.byteLength) },
        agent,
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
}

/** The relay's transport as the amojo client calls it. */
function relayCall(url: string): Call {
  const fetch = createHttpFetch();
  const target = `${url}/v2/origin/custom/scope`;
  return async () => {
    const response = await fetch(target, { method: 'POST', headers: HEADERS, body: BODY });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.text();
  };
}

/** CPU µs of this process per call, and calls per second, for CALLS calls with IN_FLIGHT at a time. */
async function run(call: Call, calls: number) {
  const cpuFrom = ownCpuMs();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < calls) {
        next += 1;
        await call();
      }
    }),
  );
  return { cpuUs: ((ownCpuMs() - cpuFrom) / calls) * 1000, rate: calls / ((performance.now() - started) / 1000) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/**
 * Issue 15 item 1: the CPU per call of the relay's HTTP client (createHttpFetch) beside a bare node:http keep-alive
 * POST to the same local server, in interleaved rounds so both see the same machine; the median round is reported.
 */
export async function benchTransport(): Promise<{ lines: string[]; checks: Check[] }> {
  const server = await startServer();
  const bare = bareCall(server.url);
  const relay = relayCall(server.url);
  // Warm-up: JIT and the agents' sockets, for both.
  await run(bare, 1000);
  await run(relay, 1000);
  const bareRuns: Array<{ cpuUs: number; rate: number }> = [];
  const relayRuns: Array<{ cpuUs: number; rate: number }> = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so a drift within a round does not always favour the same one.
    const [b, r] =
      round % 2 === 0
        ? [await run(bare, CALLS), await run(relay, CALLS)]
        : await run(relay, CALLS).then(async (r) => [await run(bare, CALLS), r] as const);
    bareRuns.push(b);
    relayRuns.push(r);
    ratios.push(r.cpuUs / b.cpuUs);
  }
  server.child.stdin?.end();
  const fmt = (name: string, runs: Array<{ cpuUs: number; rate: number }>) =>
    `${name.padEnd(52)} ${median(runs.map((x) => x.cpuUs))
      .toFixed(0)
      .padStart(4)} µs CPU per call   ${median(runs.map((x) => x.rate))
      .toFixed(0)
      .padStart(6)} calls/s`;
  const ratio = median(ratios);
  const bareUs = median(bareRuns.map((x) => x.cpuUs));
  return {
    lines: [
      `transport: ${CALLS} POSTs per run, ${IN_FLIGHT} in flight, to a local node:http server in its own process; ${ROUNDS} interleaved rounds (medians), client CPU only`,
      fmt('bare node:http keep-alive POST (floor)', bareRuns),
      `${fmt('relay transport (createHttpFetch)', relayRuns)}   of bare ${ratio.toFixed(2)} [rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}] (budget <= ${BUDGET})`,
    ],
    checks: [
      {
        name: 'transport CPU per call of a bare node:http keep-alive POST',
        figure: ratio,
        floor: `${bareUs.toFixed(0)} µs/call`,
        budget: `<= ${BUDGET}`,
        ok: ratio <= BUDGET,
      },
    ],
  };
}
