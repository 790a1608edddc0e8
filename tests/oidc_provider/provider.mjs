// The OpenID Connect provider of RBL's OIDC tests: the certified `oidc-provider`
// package (node_modules, see package.json), configured here. Started by
// tests/accounts/oidc_fixture.py on 127.0.0.1; nothing of the protocol is
// implemented here, only the provider's configuration and its login screen
// (interactions), as every deployment of oidc-provider has them.
//
// Environment: OP_PORT (listen), OP_ISSUER (issuer URL), OP_CLIENT_ID,
// OP_CLIENT_SECRET, OP_REDIRECT_URI, OP_ID_TOKEN_TTL (seconds).
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

const env = process.env;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

const provider = new Provider(env.OP_ISSUER, {
  clients: [{
    client_id: env.OP_CLIENT_ID,
    client_secret: env.OP_CLIENT_SECRET,
    redirect_uris: [env.OP_REDIRECT_URI],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    id_token_signed_response_alg: 'RS256',
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomUUID()] },
  claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], profile: ['preferred_username', 'name'], email: ['email'] },
  acrValues: ['urn:rbl:test:wachtwoord', 'urn:rbl:test:mfa'],
  features: { devInteractions: { enabled: false } },
  ttl: { IdToken: Number(env.OP_ID_TOKEN_TTL || 600), AccessToken: 600 },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, preferred_username: sub, name: `Test ${sub}`, email: `${sub}@example.org` };
      },
    };
  },
});

const page = (uid) => `<!doctype html><html lang="nl"><head><title>Identity provider</title></head>
<body><main><h1>Inloggen bij de identity provider</h1>
<form method="post" action="/interaction/${uid}/login">
<p><label for="login">Account</label><input id="login" name="login" required></p>
<p><label for="mfa">Tweede factor gebruikt</label><input id="mfa" name="mfa" type="checkbox" value="1"></p>
<button type="submit">Doorgaan</button></form></main></body></html>`;

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

// The provider's login screen (its "interaction"): who logs in and how.
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (!match[2]) {
    ctx.type = 'html';
    ctx.body = page(details.uid);
    return undefined;
  }
  const form = await readForm(ctx.req);
  const accountId = form.get('login');
  const mfa = form.get('mfa') === '1';
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const result = {
    login: {
      accountId,
      acr: mfa ? 'urn:rbl:test:mfa' : 'urn:rbl:test:wachtwoord',
      amr: mfa ? ['pwd', 'otp'] : ['pwd'],
    },
    consent: { grantId },
  };
  const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.redirect(to);
  return undefined;
});

provider.listen(Number(env.OP_PORT), '127.0.0.1', () => {
  console.log(`oidc-provider listening on 127.0.0.1:${env.OP_PORT} as ${env.OP_ISSUER}`);
});
