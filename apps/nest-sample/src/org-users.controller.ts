import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectTwilioOAuth, TwilioOAuthService } from '@twilio-oauth/nestjs';
import { scimTypeOf } from '@twilio-oauth/twilio';
import { httpError, sdkCall } from './sdk-call';

/** What the sample tells of a user. */
export interface OrgUserBody {
  id: string;
  userName: string;
  displayName: string | null;
  active: boolean | null;
}

type Input = Record<string, unknown> | undefined;

/**
 * `/org/users` through the SDK client of the named instance 'org' (the organization app), beside
 * the default instance (the account app) that the other controllers use.
 */
@Controller('org/users')
export class OrgUsersController {
  private readonly organizationSid: string;

  constructor(
    @InjectTwilioOAuth('org') private readonly org: TwilioOAuthService,
    config: ConfigService,
  ) {
    this.organizationSid = config.getOrThrow<string>('TWILIO_ORG_SID');
  }

  private get organization() {
    return this.org.client.previewIam.organization(this.organizationSid);
  }

  private byName(userName: string) {
    const filter = `userName eq ${JSON.stringify(userName)}`;
    return sdkCall(() => this.organization.users.list({ filter }));
  }

  @Get()
  async list(@Query('userName') userName?: unknown): Promise<{ users: OrgUserBody[] }> {
    if (userName !== undefined && (typeof userName !== 'string' || userName.trim() === '')) {
      throw new BadRequestException('userName must be one non-empty value');
    }
    const users = userName
      ? await this.byName(userName)
      : await sdkCall(() => this.organization.users.list());
    return { users: users.map(userBody) };
  }

  /** Provisions a user: 201 with the new one, or 200 with the one already of that name. */
  @Post()
  async provision(
    @Body() input: Input,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ): Promise<{ user: OrgUserBody }> {
    const { userName, displayName } = input ?? {};
    if (typeof userName !== 'string' || userName.trim() === '') {
      throw new BadRequestException('userName must be a non-empty string (the email)');
    }
    try {
      const user = await this.organization.users.create({
        userName,
        ...(typeof displayName === 'string' ? { displayName } : {}),
        emails: [{ value: userName, primary: true }],
      });
      return { user: userBody(user) };
    } catch (error) {
      // Provisioned before (by an earlier call or another process): answer that user.
      if (scimTypeOf(error) !== 'uniqueness') throw httpError(error);
      const [existing] = await this.byName(userName);
      if (existing === undefined) throw httpError(error);
      res.status(200);
      return { user: userBody(existing) };
    }
  }

  /** Assigns a role to the user, in a scope (an account SID, say). */
  @Post(':id/roles')
  async assignRole(@Param('id') identity: string, @Body() input: Input) {
    const { roleSid, scope } = input ?? {};
    if (typeof roleSid !== 'string' || typeof scope !== 'string' || !roleSid || !scope) {
      throw new BadRequestException('roleSid and scope must be non-empty strings');
    }
    const assignment = await sdkCall(() =>
      this.organization.roleAssignments.create({ roleSid, scope, identity }),
    );
    return {
      sid: assignment.sid,
      roleSid: assignment.roleSid,
      scope: assignment.scope,
      identity: assignment.identity,
    };
  }
}

const userBody = (user: {
  id: string;
  userName: string;
  displayName?: string;
  active?: boolean;
}): OrgUserBody => ({
  id: user.id,
  userName: user.userName,
  displayName: user.displayName ?? null,
  active: user.active ?? null,
});
