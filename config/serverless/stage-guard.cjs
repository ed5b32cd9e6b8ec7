// Serverless plugin: the local stage is for `npm start` (serverless offline) only. Its
// routes have no authorizer (local/functions verify SigV4 and JWTs themselves, with dev
// identities), so packaging or deploying it would put an open credential broker in an
// account. Refused before anything is built.
class StageGuard {
  constructor(serverless, options) {
    const refuseLocal = () => {
      const stage = options.stage ?? serverless.service.provider.stage;
      if (stage === 'local') {
        throw new serverless.classes.Error(
          'Stage "local" is for `npm start` only and is never packaged or deployed: its routes have no authorizer. ' +
            'Package a deployed stage instead, e.g. `npm run package -- --param="grantsFile=config/grants.yaml"` ' +
            '(stage prod) or `serverless package --stage dev --param="grantsFile=…"`.',
        );
      }
    };
    this.hooks = {
      'before:package:initialize': refuseLocal,
      'before:deploy:deploy': refuseLocal,
      'before:deploy:function:initialize': refuseLocal,
    };
  }
}

module.exports = StageGuard;
