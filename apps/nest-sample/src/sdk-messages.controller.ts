import { BadRequestException, Body, Controller, Get, HttpException, Post } from '@nestjs/common';
import { TwilioOAuthService } from '@twilio-oauth/nestjs';
import twilio from 'twilio';

/** The same two calls as MessagesController, through the twilio SDK (`TwilioOAuthService.client`). */
@Controller('sdk/messages')
export class SdkMessagesController {
  constructor(private readonly twilio: TwilioOAuthService) {}

  @Get()
  async list(): Promise<unknown> {
    const messages = await sdkCall(() => this.twilio.client.messages.list({ limit: 20 }));
    return { messages: messages.map((m) => m.toJSON()) };
  }

  @Post()
  async send(@Body() input: Record<string, unknown> | undefined): Promise<unknown> {
    const { to, from, body } = input ?? {};
    if (typeof to !== 'string' || typeof from !== 'string' || typeof body !== 'string') {
      throw new BadRequestException('to, from and body must be strings');
    }
    const message = await sdkCall(() => this.twilio.client.messages.create({ to, from, body }));
    return { sid: message.sid, status: message.status, to: message.to };
  }
}

/** The SDK's RestException as Twilio's status and code; token failures are already 502/503. */
async function sdkCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof twilio.RestException) {
      throw new HttpException(`${error.message} (Twilio error ${error.code})`, error.status);
    }
    throw error;
  }
}
