import { armNotation } from '../../model/notation.js';

/** Pipeline steps hold their commands as written; a value from a variable or an output is known only when the pipeline runs. */
export const PIPELINE_NOTATION = armNotation({
  unread: '(known only when the pipeline runs)',
 
  projected: 'pipeline',
  remediationKey: 'pipeline',
  unfollowed: (armPath) => `${armPath} is known only after apply and the configuration shows no reference to follow`,
});
