/**
 * UI Kit entry of the admin page (`jira:adminPage` `testsigma-settings`): the manifest's resource points here.
 */
import React from 'react';
import ForgeReconciler from '@forge/react';
import { Localised } from '../common/i18n';
import { AdminApp } from './AdminApp';

ForgeReconciler.render(
  <React.StrictMode>
    <Localised>
      <AdminApp />
    </Localised>
  </React.StrictMode>,
);
