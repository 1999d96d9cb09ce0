// An HTTP API handler (API Gateway HTTP API, function URL or ALB). The runtime validates the
// request body against `eventSchema` before calling the handler and answers 400 with the
// issues when it does not match; the handler's plain return value becomes a 200 JSON response.
import { z } from 'zod';

export const eventSchema = z.object({
  item: z.string().min(1),
  quantity: z.number().int().positive(),
  unitPrice: z.number().nonnegative(),
  coupon: z.enum(['WELCOME10']).optional(),
});

export type Order = z.infer<typeof eventSchema>;

/** The parts of the Lambda context this handler uses (lambdash adds `request` for HTTP sources). */
interface Context {
  readonly awsRequestId: string;
  readonly request?: { readonly method: string; readonly path: string; readonly body: unknown };
}

export const handler = async (event: unknown, context: Context) => {
  // Over HTTP the validated body is on the request; invoked directly, the event is the order.
  const order = (context.request ? context.request.body : event) as Order;
  const subtotal = order.quantity * order.unitPrice;
  const discount = order.coupon === 'WELCOME10' ? subtotal * 0.1 : 0;
  return {
    orderId: context.awsRequestId,
    item: order.item,
    quantity: order.quantity,
    total: Math.round((subtotal - discount) * 100) / 100,
  };
};
