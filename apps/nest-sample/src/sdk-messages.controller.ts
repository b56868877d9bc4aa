import { BadRequestException, Body, Controller, Get, Post } from '@nestjs/common';
import { TwilioOAuthService } from '@twilio-oauth/nestjs';
import { sdkCall } from './sdk-call';

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
