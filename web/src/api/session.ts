/** Who is signed in, shared by the pages (GET /me once, then kept). */
import { reactive } from 'vue';
import { api, setActingRole, setCsrfToken } from './client';

export interface Me {
  id?: string;
  username?: string;
  name?: string;
  role: string;
  roles: string[];
  unit?: string;
  mustChangePassword?: boolean;
  csrfToken?: string;
}

const state = reactive<{ me: Me | null; loaded: boolean; role: string | undefined }>({
  me: null,
  loaded: false,
  role: undefined,
});
const ROLE_KEY = 'jiebang.role';

/** The role the account acts as: the one chosen in this tab if it still holds it, else its first. */
function settleRole(me: Me | null) {
  const chosen = sessionStorage.getItem(ROLE_KEY) ?? undefined;
  state.role = me ? (chosen && me.roles.includes(chosen) ? chosen : me.role) : undefined;
  setActingRole(me && me.roles.length > 1 ? state.role : undefined);
}

export const session = {
  state,
  async load(): Promise<Me | null> {
    if (state.loaded) return state.me;
    try {
      state.me = await api<Me>('GET', '/me');
      setCsrfToken(state.me.csrfToken);
    } catch {
      state.me = null;
    }
    settleRole(state.me);
    state.loaded = true;
    return state.me;
  },
  async signIn(username: string, password: string): Promise<Me> {
    const me = await api<Me>('POST', '/sessions', { username, password });
    state.me = me;
    state.loaded = true;
    setCsrfToken(me.csrfToken);
    sessionStorage.removeItem(ROLE_KEY);
    settleRole(me);
    return me;
  },
  /** Acts as another of the account's roles (an account of a unit that both issues and solves). */
  switchRole(role: string): void {
    sessionStorage.setItem(ROLE_KEY, role);
    settleRole(state.me);
  },
  async signOut(): Promise<void> {
    await api('DELETE', '/sessions');
    state.me = null;
    setCsrfToken(undefined);
    sessionStorage.removeItem(ROLE_KEY);
    settleRole(null);
  },
};
