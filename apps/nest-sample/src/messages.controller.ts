import { BadRequestException, Body, Controller, Get, Post, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TwilioOAuthService } from '@twilio-oauth/nestjs';
import { apiBaseUrl } from './config';

/** The part of the platform's response object this controller uses (Express and Fastify). */
interface StatusSetter {
  status(code: number): unknown;
}

@Controller('messages')
export class MessagesController {
  private readonly url: string;

  constructor(
    private readonly twilio: TwilioOAuthService,
    config: ConfigService,
  ) {
    const accountSid = encodeURIComponent(config.getOrThrow<string>('TWILIO_ACCOUNT_SID'));
    this.url = `${apiBaseUrl(config)}/2010-04-01/Accounts/${accountSid}/Messages.json`;
  }

  /** Twilio's message list, passed through with its status. */
  @Get()
  async list(@Res({ passthrough: true }) res: StatusSetter): Promise<unknown> {
    return relay(await this.twilio.fetch(this.url), res);
  }

  /** Sends `{ to, from, body }` as Twilio's form fields; 201 with the created message. */
  @Post()
  async send(
    @Body() input: unknown,
    @Res({ passthrough: true }) res: StatusSetter,
  ): Promise<unknown> {
    const { to, from, body } = parseMessage(input);
    const upstream = await this.twilio.fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: to, From: from, Body: body }),
    });
    return relay(upstream, res);
  }
}

function parseMessage(input: unknown): { to: string; from: string; body: string } {
  const fields = typeof input === 'object' && input !== null ? input : {};
  const value = (name: string): unknown => Reflect.get(fields, name);
  const missing = ['to', 'from', 'body'].filter((name) => {
    const v = value(name);
    return typeof v !== 'string' || v.trim() === '';
  });
  if (missing.length > 0) {
    throw new BadRequestException(`${missing.join(', ')}: required, as non-empty strings`);
  }
  return { to: String(value('to')), from: String(value('from')), body: String(value('body')) };
}

/** Twilio's answer with its own status; a body that is not JSON is a bad gateway. */
async function relay(upstream: Response, res: StatusSetter): Promise<unknown> {
  const text = await upstream.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    res.status(502);
    return { error: `Twilio API answered ${upstream.status} without JSON` };
  }
  res.status(upstream.status);
  return json;
}
