/**
 * The OAuth2 providers an auth collection can enable: generic OpenID Connect (`oidc`,
 * `oidc2`, `oidc3`, with the URLs configured per collection) and common hosted ones with
 * their default endpoints (any URL can be overridden in the collection's provider config).
 * Each provider maps its user-info response to PocketBase's AuthUser fields; an email is
 * only taken when the provider says it is verified.
 */

/** A user as an OAuth2 provider describes it (PocketBase's AuthUser without the token fields). */
export interface ProviderUser {
  id: string;
  name: string;
  username: string;
  email: string;
  avatarURL: string;
}

/** A provider's defaults and user mapping. */
export interface ProviderDefinition {
  displayName: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  scopes: string[];
  pkce: boolean;
  /** Maps the raw user-info JSON. */
  mapUser(raw: Record<string, unknown>): ProviderUser;
  /** Extra user-info lookups (e.g. GitHub's verified primary email). */
  enrich?(user: ProviderUser, fetchJSON: (url: string) => Promise<unknown>, userInfoURL: string): Promise<void>;
}

const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const truthy = (v: unknown): boolean => v === true || v === 'true' || v === 1 || v === '1';

function oidcUser(raw: Record<string, unknown>): ProviderUser {
  return {
    id: s(raw.sub),
    name: s(raw.name),
    username: s(raw.preferred_username),
    email: truthy(raw.email_verified) ? s(raw.email) : '',
    avatarURL: s(raw.picture),
  };
}

// GitHub and Gitea: the verified primary address from `<userinfo>/emails` (the profile's own
// email field may be unverified or hidden).
async function verifiedPrimaryEmail(user: ProviderUser, fetchJSON: (url: string) => Promise<unknown>, userInfoURL: string): Promise<void> {
  const emails = await fetchJSON(`${userInfoURL}/emails`).catch(() => []);
  if (!Array.isArray(emails)) return;
  const primary = emails.find((e: Record<string, unknown>) => e && e.verified === true && e.primary === true) as Record<string, unknown> | undefined;
  user.email = primary ? s(primary.email) : '';
}

const oidc: ProviderDefinition = {
  displayName: 'OIDC', authURL: '', tokenURL: '', userInfoURL: '', scopes: ['openid', 'email', 'profile'], pkce: true, mapUser: oidcUser,
};

/** Providers by name. */
export const PROVIDERS: Record<string, ProviderDefinition> = {
  oidc,
  oidc2: oidc,
  oidc3: oidc,
  google: {
    displayName: 'Google',
    authURL: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenURL: 'https://oauth2.googleapis.com/token',
    userInfoURL: 'https://www.googleapis.com/oauth2/v3/userinfo',
    scopes: ['https://www.googleapis.com/auth/userinfo.profile', 'https://www.googleapis.com/auth/userinfo.email'],
    pkce: true,
    mapUser: (raw) => ({ ...oidcUser(raw), username: '' }),
  },
  github: {
    displayName: 'GitHub',
    authURL: 'https://github.com/login/oauth/authorize',
    tokenURL: 'https://github.com/login/oauth/access_token',
    userInfoURL: 'https://api.github.com/user',
    scopes: ['read:user', 'user:email'],
    pkce: true,
    mapUser: (raw) => ({ id: s(raw.id), name: s(raw.name), username: s(raw.login), email: '', avatarURL: s(raw.avatar_url) }),
    enrich: verifiedPrimaryEmail,
  },
  gitlab: {
    displayName: 'GitLab',
    authURL: 'https://gitlab.com/oauth/authorize',
    tokenURL: 'https://gitlab.com/oauth/token',
    userInfoURL: 'https://gitlab.com/api/v4/user',
    scopes: ['read_user'],
    pkce: true,
    // only a confirmed address counts
    mapUser: (raw) => ({ id: s(raw.id), name: s(raw.name), username: s(raw.username), email: s(raw.confirmed_at) ? s(raw.email) : '', avatarURL: s(raw.avatar_url) }),
  },
  discord: {
    displayName: 'Discord',
    authURL: 'https://discord.com/api/oauth2/authorize',
    tokenURL: 'https://discord.com/api/oauth2/token',
    userInfoURL: 'https://discord.com/api/users/@me',
    scopes: ['identify', 'email'],
    pkce: true,
    mapUser: (raw) => ({
      id: s(raw.id),
      name: s(raw.global_name) || s(raw.username),
      username: s(raw.username),
      email: truthy(raw.verified) ? s(raw.email) : '',
      avatarURL: raw.avatar ? `https://cdn.discordapp.com/avatars/${s(raw.id)}/${s(raw.avatar)}.png` : '',
    }),
  },
  microsoft: {
    displayName: 'Microsoft',
    authURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    userInfoURL: 'https://graph.microsoft.com/v1.0/me',
    scopes: ['User.Read'],
    pkce: true,
    // PocketBase's default (`mail`); its `extra.idTokenEmailClaim` variant is not supported
    mapUser: (raw) => ({ id: s(raw.id), name: s(raw.displayName), username: '', email: s(raw.mail), avatarURL: '' }),
  },
  facebook: {
    displayName: 'Facebook',
    authURL: 'https://www.facebook.com/v3.2/dialog/oauth',
    tokenURL: 'https://graph.facebook.com/v3.2/oauth/access_token',
    userInfoURL: 'https://graph.facebook.com/me?fields=name,email,picture.type(large)',
    scopes: ['email'],
    pkce: true,
    mapUser: (raw) => {
      const picture = (raw.picture as { data?: { url?: unknown } } | undefined)?.data?.url;
      return { id: s(raw.id), name: s(raw.name), username: '', email: s(raw.email), avatarURL: s(picture) };
    },
  },
  gitea: {
    displayName: 'Gitea/Forgejo',
    authURL: 'https://gitea.com/login/oauth/authorize',
    tokenURL: 'https://gitea.com/login/oauth/access_token',
    userInfoURL: 'https://gitea.com/api/v1/user',
    scopes: ['read:user', 'user:email'],
    pkce: true,
    mapUser: (raw) => ({ id: s(raw.id), name: s(raw.full_name), username: s(raw.login), email: '', avatarURL: s(raw.avatar_url) }),
    enrich: verifiedPrimaryEmail,
  },
};

/** Whether a provider name is supported. */
export const isKnownProvider = (name: string): boolean => Object.hasOwn(PROVIDERS, name);
