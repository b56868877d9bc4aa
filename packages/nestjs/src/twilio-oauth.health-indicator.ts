import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthIndicatorService } from '@nestjs/terminus';
import { publicErrorMessage, type TokenManager } from '@twilio-oauth/core';
import { InjectTwilioTokenManager } from './twilio-oauth.decorators';

/**
 * A `@nestjs/terminus` health indicator: `up` when a valid Twilio access token is held, which
 * costs no network call; otherwise it tries to obtain one and reports `up`, or `down` with a safe
 * message (e.g. "Twilio credentials were rejected (invalid_client)"). Never reports the token.
 *
 * Import it from `@twilio-oauth/nestjs/terminus` and register it as a provider in a module that
 * imports `TerminusModule` and can see `TwilioOAuthModule`.
 *
 * @example
 * ```ts
 * @Controller('health')
 * class HealthController {
 *   constructor(
 *     private readonly health: HealthCheckService,
 *     private readonly twilio: TwilioOAuthHealthIndicator,
 *   ) {}
 *   @Get()
 *   @HealthCheck()
 *   check() {
 *     return this.health.check([() => this.twilio.isHealthy('twilio')]);
 *   }
 * }
 * ```
 */
@Injectable()
export class TwilioOAuthHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @InjectTwilioTokenManager() private readonly manager: TokenManager,
  ) {}

  /**
   * Checks the token.
   *
   * @param key name of the indicator in the health report, e.g. `"twilio"`.
   * @returns `{ [key]: { status: 'up', state, expiresAt } }` (`state`: `fresh` / `stale`,
   * `expiresAt`: ISO 8601), or `{ [key]: { status: 'down', message } }`.
   * @example
   * ```ts
   * await this.health.check([() => this.twilio.isHealthy('twilio')]);
   * ```
   */
  async isHealthy<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.health.check(key);
    const held = this.manager.tokenInfo();
    // A stale token is still valid: reporting it must not start the refresh a request would.
    if (held !== undefined && held.state !== 'expired') {
      return indicator.up({ state: held.state, expiresAt: new Date(held.expiresAt).toISOString() });
    }
    try {
      const token = await this.manager.getToken();
      const state = this.manager.tokenInfo()?.state ?? 'fresh';
      return indicator.up({ state, expiresAt: new Date(token.expiresAt).toISOString() });
    } catch (error) {
      return indicator.down({ message: publicErrorMessage(error) });
    }
  }
}
