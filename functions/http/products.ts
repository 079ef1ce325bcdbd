/** Lambda: the products endpoints (shared/http/endpoints/products.ts). */
import { productEndpoints } from '../../shared/http/endpoints/products.ts';
import { lambdaHandler } from '../../shared/http/handler.ts';

export const handler = lambdaHandler(productEndpoints);
