/** Who is signed in, shared by the pages (GET /me once, then kept). */
import { reactive } from 'vue';
import { api, setCsrfToken } from './client';

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

const state = reactive<{ me: Me | null; loaded: boolean }>({ me: null, loaded: false });

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
    state.loaded = true;
    return state.me;
  },
  async signIn(username: string, password: string): Promise<Me> {
    const me = await api<Me>('POST', '/sessions', { username, password });
    state.me = me;
    state.loaded = true;
    setCsrfToken(me.csrfToken);
    return me;
  },
  async signOut(): Promise<void> {
    await api('DELETE', '/sessions');
    state.me = null;
    setCsrfToken(undefined);
  },
};
