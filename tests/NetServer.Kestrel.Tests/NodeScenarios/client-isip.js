'use strict';
// net.isIP / isIPv4 / isIPv6 on a table of inputs: Node's strict grammar (no shorthand IPv4 forms,
// no leading zeros, no brackets, no whitespace), IPv6 zone ids accepted.
const { net, log, done } = require('./_lib');
const inputs = [
  '127.0.0.1', '0.0.0.0', '255.255.255.255', '256.0.0.0', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04',
  '0x7f.0.0.1', '127.1', ' 1.2.3.4', '1.2.3.4 ', '', 'localhost', '::', '::1', '1::', '1::2::3',
  'fe80::1%eth0', 'fe80::1%', '[::1]', '::ffff:127.0.0.1', '::ffff:256.0.0.1', '::1.2.3.4',
  '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::', 'abcd:EF01:2345:6789:abcd:ef01:2345:6789',
  '12345::1', 'g::1', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::ffff:1.2.3',
];
for (const s of inputs) {
  log(JSON.stringify(s), net.isIP(s), net.isIPv4(s), net.isIPv6(s));
}
done();
