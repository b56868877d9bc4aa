// Entry point `@twilio-oauth/nestjs/terminus`: kept apart so that the main entry never loads the
// optional `@nestjs/terminus` peer.
export { TwilioOAuthHealthIndicator } from './twilio-oauth.health-indicator';
