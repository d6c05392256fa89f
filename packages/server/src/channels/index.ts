// Built-in outbound channels: webhook, file/log and Redis Stream, each a `Channel` the trigger runner sends through.
export { fileChannel, logChannel } from './file-channel.js';
export { type RedisStreamChannelOptions, redisStreamChannel } from './redis-stream-channel.js';
export { type WebhookChannelOptions, webhookChannel } from './webhook-channel.js';
