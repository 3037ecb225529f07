// The benchmark's independent client: Node.js clients in a process of their own, no JVM in the measuring path.
// Closed loops: each of `clients` connections sends `request`, waits for the frame starting with `endPrefix`, and
// sends the next, `perClient` times. Prints one JSON line: the client used, requests, seconds, p50, p99, max (ms).
// With `opening` (a Primal client's set_primal_protocol), each connection first sends it and waits for the frame
// starting with `openingEnd`, untimed; then `warmUp` requests each, untimed.
// The `ws` package when it is installed beside this file (the benchmark installs it), else Node's built-in WebSocket
// (undici's, three times slower per frame here), without compression either way, as the in-process client.
//   node [--experimental-websocket] req-clients.mjs '{"url":...,"clients":10,"perClient":200,"request":...,"endPrefix":...}'
const { url, clients, perClient, request, endPrefix, opening, openingEnd, warmUp = 0 } = JSON.parse(process.argv[2]);

const ws = await import('ws').then((module) => module.default, () => null);
const client = ws ? 'ws' : 'built-in WebSocket';

function connect() {
  return new Promise((resolve, reject) => {
    const socket = ws ? new ws(url, { perMessageDeflate: false }) : new WebSocket(url);
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error(`could not connect to ${url}`));
  });
}

function exchange(socket, message, end) {
  return new Promise((resolve, reject) => {
    // As the in-process client: an answer that does not come within 30 s ends the run instead of hanging it.
    const timer = setTimeout(() => reject(new Error(`no answer within 30 s to ${message}`)), 30_000);
    const done = (settle) => (value) => { clearTimeout(timer); settle(value); };
    socket.onmessage = (frame) => {
      const text = String(frame.data);
      if (text.startsWith(end)) {
        done(resolve)();
      } else if (text.startsWith('["CLOSED"') || text.startsWith('["NOTICE"')) {
        done(reject)(new Error(`refused: ${text}`));
      }
    };
    socket.onclose = () => done(reject)(new Error('the connection closed'));
    socket.send(message);
  });
}

async function open() {
  const socket = await connect();
  if (opening) {
    await exchange(socket, opening, openingEnd);
  }
  return socket;
}

async function loop(socket, samples) {
  for (let i = 0; i < perClient; i++) {
    const started = performance.now();
    await exchange(socket, request, endPrefix);
    samples.push(performance.now() - started);
  }
}

const sockets = await Promise.all(Array.from({ length: clients }, open));
// Untimed: V8 compiles the client's own path (ws's framing, this loop) as the JVM's is compiled before its loops.
await Promise.all(sockets.map(async (socket) => {
  for (let i = 0; i < warmUp; i++) {
    await exchange(socket, request, endPrefix);
  }
}));
const samples = [];
const started = performance.now();
await Promise.all(sockets.map((socket) => loop(socket, samples)));
const seconds = (performance.now() - started) / 1000;
sockets.forEach((socket) => socket.close());
samples.sort((a, b) => a - b);
const at = (q) => samples[Math.min(samples.length - 1, Math.floor(samples.length * q))];
console.log(JSON.stringify({ client, requests: samples.length, seconds, p50: at(0.5), p99: at(0.99), max: samples[samples.length - 1] }));
process.exit(0);
