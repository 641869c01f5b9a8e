import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** s3rver's default credentials; the SDK reads them from the environment like any others. */
export const S3_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface Server {
  port: number;
  stop(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 (random port) with one bucket, in a child process. */
export function startS3rver(directory: string, bucket: string): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, ['--openssl-legacy-provider', fileURLToPath(new URL('./s3rver-child.mjs', import.meta.url)), directory, bucket], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), stop: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))) });
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
}

export type Fault = 'pass' | 'error500' | 'slowdown' | 'cut';

export interface ProxyLog {
  method: string;
  path: string;
  fault: Fault;
}

/**
 * An HTTP proxy in front of s3rver that injects faults the way S3 fails in practice: 500s,
 * 503 SlowDown throttling, and connections cut half-way through a body.
 */
export function startFaultProxy(targetPort: number, decide: (method: string, path: string) => Fault): Promise<Server & { log: ProxyLog[] }> {
  const log: ProxyLog[] = [];
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    const fault = decide(req.method ?? 'GET', path);
    log.push({ method: req.method ?? 'GET', path, fault });
    if (fault === 'error500' || fault === 'slowdown') {
      req.resume();
      const code = fault === 'slowdown' ? 'SlowDown' : 'InternalError';
      res.writeHead(fault === 'slowdown' ? 503 : 500, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected</Message></Error>`);
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (fault !== 'cut') {
        up.pipe(res);
        return;
      }
      // Send part of the body, then drop the connection.
      up.once('data', (chunk: Buffer) => {
        res.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))));
        res.socket?.destroy();
        up.destroy();
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ port: (server.address() as AddressInfo).port, log, stop: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) });
    });
  });
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

/** Uploads a folder's files under their relative paths (keys), a few at a time. */
export async function uploadTree(port: number, bucket: string, root: string, prefix = ''): Promise<number> {
  const client = new S3Client({ endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED' });
  const files = walk(root);
  for (let i = 0; i < files.length; i += 16) {
    await Promise.all(files.slice(i, i + 16).map((f) => client.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + relative(root, f), Body: readFileSync(f) }))));
  }
  client.destroy();
  return files.length;
}
