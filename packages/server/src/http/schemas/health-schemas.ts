// Schemas of GET /health and GET /ready.
import { Type } from '@sinclair/typebox';

export const HealthSchema = Type.Object({ status: Type.Literal('ok') });

export const ReadySchema = Type.Object({ ready: Type.Literal(true), configVersion: Type.String() });
