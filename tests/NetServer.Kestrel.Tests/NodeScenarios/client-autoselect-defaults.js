'use strict';
// The module-wide family-selection defaults: their values, the attempt timeout's clamping to 10 ms
// and its range check, and the setters' round trip (restored at the end).
const { net, log, kind, done } = require('./_lib');
log('defaults', net.getDefaultAutoSelectFamily(), net.getDefaultAutoSelectFamilyAttemptTimeout());
net.setDefaultAutoSelectFamilyAttemptTimeout(5);
log('timeout 5 clamps to', net.getDefaultAutoSelectFamilyAttemptTimeout());
net.setDefaultAutoSelectFamilyAttemptTimeout(300);
log('timeout 300', net.getDefaultAutoSelectFamilyAttemptTimeout());
try {
  net.setDefaultAutoSelectFamilyAttemptTimeout(0);
} catch (e) {
  log('timeout 0', kind(e), e.code, e.message);
}
net.setDefaultAutoSelectFamilyAttemptTimeout(250);
net.setDefaultAutoSelectFamily(false);
log('set false', net.getDefaultAutoSelectFamily());
net.setDefaultAutoSelectFamily(true);

log('restored', net.getDefaultAutoSelectFamily(), net.getDefaultAutoSelectFamilyAttemptTimeout());
done();
