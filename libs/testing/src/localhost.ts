/**
 * Node's resolver does not map `*.localhost` to loopback (browsers and curl do). Tests that
 * reach instances by name install this dispatcher so fetch, and the pocketbase SDK with it,
 * connect to 127.0.0.1 for those names and resolve every other name as usual.
 */
import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, setGlobalDispatcher } from 'undici';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function localhostLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err || options.all) callback(err, addresses);
    else callback(null, addresses[0]?.address ?? '', addresses[0]?.family);
  });
}

/** Makes the global fetch resolve `*.localhost` to 127.0.0.1. */
export function resolveLocalhostSubdomains(): void {
  setGlobalDispatcher(new Agent({ connect: { lookup: localhostLookup as never } }));
}
