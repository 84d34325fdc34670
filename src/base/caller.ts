/** The caller of an operation, from its bearer token: what every layer may be handed. */
import type { TokenRole } from '../../machines/challenge/parties.js';

export interface Caller {
  tokenId: string;
  role: TokenRole;
  unit?: string;
  person?: string;
  /** Set when the caller signed in with a password (a session cookie), not a token. */
  account?: string;
}
