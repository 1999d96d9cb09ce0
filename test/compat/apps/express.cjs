// express 4 + serverless-http, as serverless-http's README shows.
const crypto = require('node:crypto');
const express = require('express');
const serverless = require('serverless-http');

const app = express();

app.get('/hello', (req, res) => {
  res.json({ hello: 'express', query: req.query });
});

// body-parser: tolerates a BOM? inflates gzip/deflate (inflate: true is its default).
app.post('/echo', express.json(), (req, res) => {
  res.json({ received: req.body });
});

app.post('/problem', express.text({ type: 'application/problem+json' }), (req, res) => {
  res.type('text/plain').send(`problem: ${req.body}`);
});

app.post('/binary', express.raw({ type: 'application/octet-stream' }), (req, res) => {
  const digest = crypto.createHash('sha256').update(req.body).digest();
  res
    .type('image/png')
    .send(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]), digest]));
});

app.get('/cookies', (_req, res) => {
  res.cookie('a', '1', { path: '/' });
  res.cookie('b', '2', { httpOnly: true });
  res.cookie('c', 'three', { sameSite: 'lax' });
  res.json({ cookies: 3 });
});

app.get('/throws', () => {
  throw new Error('express route failed');
});

module.exports.handler = serverless(app, { binary: ['image/*', 'application/octet-stream'] });
