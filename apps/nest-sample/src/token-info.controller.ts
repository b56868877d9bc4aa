import { Controller, Get } from '@nestjs/common';
import {
  InjectTwilioTokenManager,
  type TokenManager,
  TwilioOAuthService,
} from '@twilio-oauth/nestjs';

/** What may be said about the held token: never the token itself. */
export interface TokenInfoBody {
  tokenType: string;
  expiresAt: string;
  expiresInSeconds: number;
  state: 'fresh' | 'stale' | 'expired';
}

@Controller('token-info')
export class TokenInfoController {
  constructor(
    private readonly twilio: TwilioOAuthService,
    @InjectTwilioTokenManager() private readonly manager: TokenManager,
  ) {}

  @Get()
  async tokenInfo(): Promise<TokenInfoBody> {
    const token = await this.twilio.getToken();
    return {
      tokenType: token.tokenType,
      expiresAt: new Date(token.expiresAt).toISOString(),
      expiresInSeconds: Math.max(0, Math.floor((token.expiresAt - Date.now()) / 1000)),
      state: this.manager.tokenInfo()?.state ?? 'fresh',
    };
  }
}
