/**
 * Where local handlers may run: the local stage under serverless-offline, nowhere else.
 * Inside AWS Lambda the runtime sets AWS_LAMBDA_FUNCTION_NAME; serverless-offline sets it
 * too, and IS_OFFLINE beside it. The stage alone is not enough: it is only an environment
 * variable, and a misrouted deployment could carry `local` in it.
 */
export function assertLocalStack(stage: string | undefined, env: NodeJS.ProcessEnv): void {
  if (stage !== 'local') throw new Error(`local handlers run in the local stage only (stage is ${stage})`);
  if (env.AWS_LAMBDA_FUNCTION_NAME !== undefined && env.IS_OFFLINE !== 'true') {
    throw new Error(
      `local handlers never run inside AWS Lambda (function ${env.AWS_LAMBDA_FUNCTION_NAME}): deploy a stage other than local`,
    );
  }
}
