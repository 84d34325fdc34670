/**
 * The pages. Public ones first; the console of the next issues adds its routes under `/console`
 * with `meta.signedIn`, guarded below.
 */
import { createRouter, createWebHistory } from 'vue-router';
import { session } from './api/session';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'list', component: () => import('./pages/ChallengeList.vue') },
    { path: '/challenges/:id', name: 'challenge', component: () => import('./pages/ChallengeDetail.vue'), props: true },
    { path: '/challenges/:id/notice', name: 'notice', component: () => import('./pages/NoticePage.vue'), props: true },
    { path: '/register', name: 'register', component: () => import('./pages/RegisterPage.vue') },
    { path: '/sign-in', name: 'signIn', component: () => import('./pages/SignInPage.vue') },
    { path: '/me', name: 'me', component: () => import('./pages/MePage.vue'), meta: { signedIn: true } },
    // The console (issue 13): one frame, its pages as children, one entry a line.
    {
      path: '/console',
      component: () => import('./pages/console/ConsoleLayout.vue'),
      meta: { signedIn: true },
      children: [
        { path: '', name: 'inbox', component: () => import('./pages/console/InboxPage.vue') },
        { path: 'dashboard', name: 'dashboard', component: () => import('./pages/console/DashboardPage.vue') },
        {
          path: 'registrations',
          name: 'registrations',
          component: () => import('./pages/console/RegistrationsPage.vue'),
        },
        {
          path: 'challenges/:id',
          name: 'consoleChallenge',
          component: () => import('./pages/console/ChallengePage.vue'),
          props: true,
        },
        {
          path: 'challenges/:id/history',
          name: 'timeMachine',
          component: () => import('./pages/console/audit/TimeMachinePage.vue'),
          props: true,
        },
        {
          path: 'challenges/:id/statechart',
          name: 'challengeStatechart',
          component: () => import('./pages/console/audit/StatechartPage.vue'),
          props: (route) => ({ id: route.params.id, replay: route.query.replay === '1' }),
        },
        { path: 'statechart', name: 'statechart', component: () => import('./pages/console/audit/StatechartPage.vue') },
      ],
    },
    { path: '/:rest(.*)*', name: 'notFound', component: () => import('./pages/NotFound.vue') },
  ],
});

router.beforeEach(async (to) => {
  if (!to.matched.some((r) => r.meta.signedIn)) return true;
  const me = await session.load();
  return me ? true : { name: 'signIn', query: { next: to.fullPath } };
});
