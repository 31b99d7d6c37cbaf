import { Module, Controller, Get } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { TerminusModule } from '@nestjs/terminus';
@Controller() class C { @Get('x') x() { return { ok: 1 }; } }
@Module({ imports: [TerminusModule], controllers: [C] }) class M {}
async function main() { const app = await NestFactory.create(M); app.connectMicroservice({ transport: Transport.TCP, options: { port: 4999 } }); await app.startAllMicroservices(); await app.listen(3999); console.log('up'); await app.close(); }
void main();
