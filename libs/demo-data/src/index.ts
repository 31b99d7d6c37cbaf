export { DEMO_PRODUCTS, type DemoProduct } from './demo-products';
