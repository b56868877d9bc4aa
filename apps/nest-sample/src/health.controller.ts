import { Controller, Get } from '@nestjs/common';

@Controller('health')
export class HealthController {
  /** Liveness only: never touches Twilio, costs no token. */
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
