import { hello } from '@custodia/platform';
process.stdout.write(hello() + '\n');
