import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Loopback stand-ins for the two AWS APIs the dispatcher calls, so the local runtime runs the same
 * handler with the same SDK clients, only pointed here (SFN_ENDPOINT, SNS_ENDPOINT): Step Functions'
 * StartExecution (JSON 1.0 protocol) and SNS Publish (Query protocol, XML answers). No maintained
 * package emulates just these two without Docker, and the wire formats involved are tiny.
 */
export interface LocalAwsBackends {
  /** Throws an error named 'ExecutionAlreadyExists' for the same name with a different input. */
  startExecution(request: { stateMachineArn: string; name: string; input: string }): Promise<{
    executionArn: string;
    startDate: number;
  }>;
  publish(request: LocalPublish): Promise<{ messageId: string }>;
}

export interface LocalPublish {
  topicArn: string;
  message: string;
  subject?: string;
  messageAttributes: Record<string, string>;
}

export interface LocalAwsEndpoints {
  url: string;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const xmlEscape = (text: string): string =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
};

const sendXml = (res: ServerResponse, status: number, body: string): void => {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(`<?xml version="1.0"?>\n${body}`);
};

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'InternalFailure');
const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const handleStepFunctions = async (
  target: string,
  body: string,
  backends: LocalAwsBackends,
  res: ServerResponse,
) => {
  const operation = target.split('.')[1];
  if (operation !== 'StartExecution') {
    sendJson(res, 400, {
      __type: 'UnknownOperationException',
      message: `${operation} is not emulated locally`,
    });
    return;
  }
  const request = JSON.parse(body) as { stateMachineArn?: string; name?: string; input?: string };
  if (!request.stateMachineArn) {
    sendJson(res, 400, { __type: 'ValidationException', message: 'stateMachineArn is required' });
    return;
  }
  try {
    const started = await backends.startExecution({
      stateMachineArn: request.stateMachineArn,
      name: request.name ?? randomUUID(),
      input: request.input ?? '{}',
    });
    sendJson(res, 200, { executionArn: started.executionArn, startDate: started.startDate / 1000 });
  } catch (error) {
    sendJson(res, 400, { __type: errorName(error), message: errorMessage(error) });
  }
};

/** SNS Query-protocol attributes: MessageAttributes.entry.N.Name / .Value.StringValue. */
const messageAttributesOf = (form: URLSearchParams): Record<string, string> => {
  const attributes: Record<string, string> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const name = form.get(`MessageAttributes.entry.${n}.Name`) ?? '';
    attributes[name] = form.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '';
  }
  return attributes;
};

const handleSns = async (body: string, backends: LocalAwsBackends, res: ServerResponse) => {
  const form = new URLSearchParams(body);
  const action = form.get('Action');
  const requestId = randomUUID();
  if (action !== 'Publish') {
    sendXml(
      res,
      400,
      `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${xmlEscape(String(action))} is not emulated locally</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
    return;
  }
  try {
    const subject = form.get('Subject');
    const { messageId } = await backends.publish({
      topicArn: form.get('TopicArn') ?? '',
      message: form.get('Message') ?? '',
      ...(subject ? { subject } : {}),
      messageAttributes: messageAttributesOf(form),
    });
    sendXml(
      res,
      200,
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${xmlEscape(messageId)}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  } catch (error) {
    sendXml(
      res,
      500,
      `<ErrorResponse><Error><Type>Receiver</Type><Code>${xmlEscape(errorName(error))}</Code><Message>${xmlEscape(errorMessage(error))}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
};

export const startLocalAwsEndpoints = async (
  backends: LocalAwsBackends,
  port = 0,
): Promise<LocalAwsEndpoints> => {
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const target = req.headers['x-amz-target'];
        if (typeof target === 'string' && target.startsWith('AWSStepFunctions.')) {
          await handleStepFunctions(target, body, backends, res);
        } else {
          await handleSns(body, backends, res);
        }
      } catch (error) {
        if (!res.headersSent) sendJson(res, 500, { __type: 'InternalFailure', message: errorMessage(error) });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
