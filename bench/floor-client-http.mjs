// A floor: a Runtime API client on Node's http module that only fetches the next event and
// posts a fixed answer over one keep-alive connection.
import http from 'node:http';

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const body = JSON.stringify({ ok: true });

function request(method, path, payload) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, agent, method, path }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

for (;;) {
  const next = await request('GET', '/2018-06-01/runtime/invocation/next');
  const id = next.headers['lambda-runtime-aws-request-id'];
  await request('POST', `/2018-06-01/runtime/invocation/${id}/response`, body);
}
