#!/usr/bin/env node
/**
 * healthcheck: the container health probe of the mediamesh image (docker compose `healthcheck:`;
 * Kubernetes uses its native `grpc:` / `httpGet:` probes instead). Plain JavaScript so it runs
 * from the image without a build step and without curl or grpc_health_probe in the image.
 *
 *   node deploy/healthcheck.js grpc <[host:]port> [service]   grpc.health.v1 Check, SERVING → exit 0
 *   node deploy/healthcheck.js http <url>                      any 2xx → exit 0
 *
 * Anything else (not serving, refused, timeout, bad arguments) exits 1 with one line on stderr.
 */
'use strict';

const TIMEOUT_MS = Number(process.env.HEALTHCHECK_TIMEOUT_MS) || 3000;

function fail(message) {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

/** checkGrpc calls grpc.health.v1.Health/Check on target for service ('' = the whole server). */
function checkGrpc(target, service) {
  const grpc = require('@grpc/grpc-js');
  const health = require('grpc-health-check');
  const address = /^\d+$/.test(target) ? `127.0.0.1:${target}` : target;
  const Client = grpc.makeGenericClientConstructor(health.service, 'Health');
  const client = new Client(address, grpc.credentials.createInsecure());
  client.check({ service }, { deadline: Date.now() + TIMEOUT_MS }, (err, res) => {
    client.close();
    if (err) fail(`${address}: ${err.details || err.message}`);
    if (res.status !== 'SERVING' && res.status !== 1) fail(`${address}: status ${res.status}`);
    process.stdout.write(`${address}: SERVING\n`);
    process.exit(0);
  });
}

/** checkHttp GETs url and accepts any 2xx. */
async function checkHttp(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (res.status < 200 || res.status > 299) fail(`${url}: HTTP ${res.status}`);
    process.stdout.write(`${url}: HTTP ${res.status}\n`);
    process.exit(0);
  } catch (err) {
    fail(`${url}: ${err && err.cause ? err.cause.message || err.cause.code : err.message}`);
  }
}

const [kind, target, service = ''] = process.argv.slice(2);
if (kind === 'grpc' && target && /^(\d+|[^\s:[\]]+:\d+|\[[0-9A-Fa-f:.]+\]:\d+)$/.test(target)) checkGrpc(target, service);
else if (kind === 'http' && target && /^https?:\/\//.test(target)) checkHttp(target);
else fail('usage: healthcheck.js grpc <[host:]port> [service] | http <url>');
