/**
 * `mediamesh sign <url> [--deadline <unix s> | --ttl <s>] [--key <ak>]`: prints a
 * Qiniu-style signed URL for a private bucket (the signed URL is the last line).
 * Keys come from MEDIAMESH_SIGNING_KEYS ("ak1:sk1,ak2:sk2"); --key picks one (default the first).
 */
import { parseSigningKeys, signUrl } from '../../../services/gateway/signing';
import { flag, UsageError, type Command } from '../command';

export const command: Command = {
  summary: 'sign a URL of a private bucket (e=<deadline>&token=<ak>:<sig>)',
  usage: `usage: mediamesh sign <url> [--deadline <unix seconds> | --ttl <seconds>] [--key <access key>]

Signs <url> (scheme and host included, exactly as clients will request it) with a key
from MEDIAMESH_SIGNING_KEYS="ak1:sk1,ak2:sk2". The default lifetime is --ttl 3600.
Prints the signed URL as the last line.`,
  options: { deadline: { type: 'string' }, ttl: { type: 'string' }, key: { type: 'string' } },
  positionals: 1,
  async run(p) {
    const [url] = p.positional;
    if (!url) throw new UsageError('a URL is required');
    if (!/^https?:\/\/[^/\s]+\/\S*$/.test(url)) throw new UsageError(`expected an http(s) URL with a path, got ${JSON.stringify(url)}`);
    if (/[?&](e|token)=/.test(url)) throw new UsageError('the URL is already signed (it has e= or token=)');

    const parsed = parseSigningKeys(process.env.MEDIAMESH_SIGNING_KEYS ?? '');
    if (!parsed.ok) throw new UsageError(`MEDIAMESH_SIGNING_KEYS: ${parsed.errors.join('; ')}`);
    if (parsed.value.length === 0) throw new UsageError('MEDIAMESH_SIGNING_KEYS is empty: set it to "ak:sk[,ak2:sk2]"');
    const ak = flag(p, 'key', parsed.value[0].accessKey);
    const key = parsed.value.find((k) => k.accessKey === ak);
    if (!key) throw new UsageError(`--key ${ak}: not in MEDIAMESH_SIGNING_KEYS (known: ${parsed.value.map((k) => k.accessKey).join(', ')})`);

    if (p.flags.deadline !== undefined && p.flags.ttl !== undefined) throw new UsageError('give --deadline or --ttl, not both');
    const deadline =
      p.flags.deadline !== undefined ? wholeNumber(flag(p, 'deadline'), '--deadline') : Math.floor(Date.now() / 1000) + wholeNumber(flag(p, 'ttl', '3600'), '--ttl');
    process.stdout.write(`key ${key.accessKey}, expires ${new Date(deadline * 1000).toISOString()}\n${signUrl(url, key, deadline)}\n`);
    return 0;
  },
};

function wholeNumber(raw: string, name: string): number {
  if (!/^\d{1,12}$/.test(raw) || Number(raw) <= 0) throw new UsageError(`${name}: expected a positive whole number of seconds, got ${JSON.stringify(raw)}`);
  return Number(raw);
}
