import { TokenVerifier, VERIFIED_TOKEN_CACHE_SIZE, type AuthUser, type Denylist, type OidcVerifier } from '@centavo/auth-tokens';
import { unauthenticated } from '@centavo/errors';
import type { Logger } from '@centavo/logger';

/** A Centavo access token the auth subgraph issued for a provider's token. */
export interface Exchanged {
  accessToken: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Asks the auth subgraph for the Centavo access token of a provider's token (see exchange.ts). */
export type ExchangeToken = (providerToken: string) => Promise<Exchanged>;

interface Entry extends Exchanged {
  /** When the provider's token was last verified against the provider's keys (ms). */
  checkedAt: number;
}

/**
 * The gateway's token check with sign-in through an OpenID Connect provider: Centavo's own
 * tokens are verified as before; a token whose `iss` is the provider is verified against the
 * provider's keys, then exchanged once with the auth subgraph for a Centavo access token of its
 * user (created on the subject's first sign-in). The answer's `token` is that Centavo token:
 * it is what the gateway forwards to subgraphs, which know nothing of the provider.
 *
 * Exchanged tokens are kept by the provider's token (bounded, until they expire); the
 * provider's token is verified again against its keys every `recheckMs`, so a key the provider
 * removed stops working here too once its key set is fetched again. Every request still asks
 * the logout denylist, through the Centavo token.
 */
export class ExternalTokenVerifier extends TokenVerifier {
  private readonly exchanged = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    publicKey: ConstructorParameters<typeof TokenVerifier>[0],
    denylist: Denylist,
    private readonly oidc: OidcVerifier,
    private readonly exchange: ExchangeToken,
    private readonly logger: Logger,
    private readonly maxEntries = VERIFIED_TOKEN_CACHE_SIZE,
  ) {
    super(publicKey, denylist);
  }

  /** How many provider tokens have their exchanged token kept now. */
  get exchangedTokens(): number {
    return this.exchanged.size;
  }

  override async verify(token: string): Promise<AuthUser> {
    if (!this.oidc.isIssuedBy(token)) return super.verify(token);
    return super.verify(await this.centavoTokenFor(token));
  }

  override async verifySigned(token: string): Promise<AuthUser> {
    if (!this.oidc.isIssuedBy(token)) return super.verifySigned(token);
    return super.verifySigned(await this.centavoTokenFor(token));
  }

  private async centavoTokenFor(token: string): Promise<string> {
    const now = Date.now();
    const entry = this.exchanged.get(token);
    if (entry && entry.exp * 1000 <= now) this.exchanged.delete(token);
    else if (entry && now - entry.checkedAt < this.oidc.settings.recheckMs) return entry.accessToken;
    // Concurrent first requests with one token share its verification and exchange.
    let pending = this.inFlight.get(token);
    if (!pending) {
      pending = this.verifyAndExchange(token, entry && entry.exp * 1000 > now ? entry : undefined).finally(() => this.inFlight.delete(token));
      this.inFlight.set(token, pending);
    }
    return pending;
  }

  private async verifyAndExchange(token: string, previous: Entry | undefined): Promise<string> {
    try {
      await this.oidc.verify(token);
    } catch (error) {
      this.exchanged.delete(token);
      throw error;
    }
    const exchanged = previous ?? (await this.exchange(token));
    if (exchanged.exp * 1000 <= Date.now()) throw unauthenticated('Sign-in token expired');
    if (!previous && this.exchanged.size >= this.maxEntries) this.exchanged.delete(this.exchanged.keys().next().value!);
    this.exchanged.set(token, { ...exchanged, checkedAt: Date.now() });
    if (!previous) this.logger.debug('OpenID Connect token exchanged');
    return exchanged.accessToken;
  }
}
