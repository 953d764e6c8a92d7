'use strict';
/**
 * Refuses to package (and so to deploy) a stage whose params say it must be real (prod) while the JWT
 * issuer is still the placeholder or no alarm email is set: such a stack deploys, then answers 401 to
 * every request and pages nobody. The message names the parameter and how to set it.
 * A Serverless Framework plugin, because the framework has no "required param" of its own.
 */
class ParamGuard {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:initialize': () => this.check(),
      'before:deploy:deploy': () => this.check(),
    };
  }

  check() {
    const guard = this.serverless.service.custom?.paramGuard || {};
    if (String(guard.enforce) !== 'true') return;
    const stage = this.serverless.getProvider('aws').getStage();
    const problems = [];
    let issuer;
    try {
      issuer = new URL(String(guard.jwtIssuerUrl || ''));
    } catch {
      issuer = undefined;
    }
    // The placeholder's .invalid host, and the other names reserved for examples, are never real issuers.
    const placeholder = (host) =>
      /(^|\.)(invalid|example|localhost|test)$|(^|\.)example\.(com|org|net)$/.test(host);
    if (issuer?.protocol !== 'https:' || placeholder(issuer.hostname))
      problems.push(
        `jwtIssuerUrl is "${guard.jwtIssuerUrl}", not a real https issuer: set params.${stage}.jwtIssuerUrl or pass --param="jwtIssuerUrl=https://cognito-idp.<region>.amazonaws.com/<poolId>"`,
      );
    if (!String(guard.alarmEmail || '').includes('@'))
      problems.push(
        `alarmEmail is empty: set params.${stage}.alarmEmail or pass --param="alarmEmail=ops@example.org" so alarms reach someone`,
      );
    if (problems.length > 0) {
      const ServerlessError = this.serverless.classes.Error || Error;
      throw new ServerlessError(`stage ${stage} refuses to package: ${problems.join('; ')}`);
    }
  }
}

module.exports = ParamGuard;
