import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';

interface JsonResponse {
  status(code: number): { json(body: unknown): unknown };
}

/**
 * Every error as `{ "error": "<message>" }`. HTTP exceptions keep their status and message; the
 * token failures `TwilioOAuthService` throws are such exceptions (502 / 503), with messages
 * that hold no secret. Anything else is a 500 whose details go to the log only.
 */
@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('nest-sample');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<JsonResponse>();
    if (exception instanceof HttpException) {
      res.status(exception.getStatus()).json({ error: exception.message });
      return;
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : exception,
    );
    res.status(500).json({ error: 'Internal server error' });
  }
}
